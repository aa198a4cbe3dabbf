package dev.tracking.client.cli;

import dev.tracking.client.kafka.KafkaClientProperties;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code --kafka-config FILE}, the option of every command that talks to Kafka (a picocli mixin): Kafka client settings
 * in a Java properties file, as Kafka's own tools take {@code --command-config}, over those of the {@code KAFKA_*}
 * variables ({@link KafkaClientProperties#ENVIRONMENT}). A file that does not exist or cannot be read is a usage error
 * naming the path.
 */
@Command(
        footerHeading = "%nKafka client settings from the environment (--kafka-config entries win):%n",
        footer = {
            "  KAFKA_SECURITY_PROTOCOL        PLAINTEXT (default), SSL, SASL_PLAINTEXT or SASL_SSL",
            "  KAFKA_SASL_MECHANISM           PLAIN, SCRAM-SHA-256, SCRAM-SHA-512, OAUTHBEARER (default GSSAPI)",
            "  KAFKA_SASL_JAAS_CONFIG         the login module and credentials; never printed",
            "  KAFKA_SSL_TRUSTSTORE_LOCATION  trust store with the brokers' CA (default: the JDK's trusted CAs),",
            "                                 with KAFKA_SSL_TRUSTSTORE_PASSWORD",
            "  KAFKA_SSL_KEYSTORE_LOCATION    key store with a client certificate (mutual TLS), with",
            "                                 KAFKA_SSL_KEYSTORE_PASSWORD and KAFKA_SSL_KEY_PASSWORD",
        })
public final class KafkaConfigOption {

    @Option(
            names = "--kafka-config",
            paramLabel = "FILE",
            converter = ReadableFile.class,
            description =
                    "Kafka client settings as a properties file, like Kafka's --command-config: security.protocol,"
                            + " sasl.mechanism, sasl.jaas.config, ssl.truststore.location, ...; they win over the KAFKA_SECURITY_*,"
                            + " KAFKA_SASL_* and KAFKA_SSL_* variables (default: those variables alone)")
    Path file;

    /** The file given, or null. */
    public Path file() {
        return file;
    }

    /**
     * The settings of the environment with those of the file on top.
     *
     * @throws IllegalArgumentException naming the variable (or the file and key) whose value is not valid, and what is
     *     valid; secrets are never part of the message
     */
    public KafkaClientProperties properties(Map<String, String> env) {
        return KafkaClientProperties.of(env, file);
    }

    /** A path that names a readable regular file. */
    public static final class ReadableFile implements CommandLine.ITypeConverter<Path> {
        @Override
        public Path convert(String value) {
            Path path;
            try {
                path = Path.of(value);
            } catch (InvalidPathException e) {
                throw new CommandLine.TypeConversionException("'" + value + "' is not a file name: " + e.getReason());
            }
            if (!Files.exists(path)) {
                throw new CommandLine.TypeConversionException(
                        "'" + value + "' does not exist: expected a Kafka client properties file");
            }
            if (!Files.isRegularFile(path) || !Files.isReadable(path)) {
                throw new CommandLine.TypeConversionException(
                        "'" + value + "' is not a readable file: expected a Kafka client properties file");
            }
            return path;
        }
    }
}
