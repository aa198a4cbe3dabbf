package dev.tracking.client.kafka;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.SaslConfigs;
import org.apache.kafka.common.config.SslConfigs;
import org.apache.kafka.common.config.types.Password;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.SslAuthenticationException;
import org.apache.kafka.common.security.JaasContext;
import org.apache.kafka.common.security.auth.SecurityProtocol;

/**
 * Settings every Kafka client of a tool adds to its own (producer, consumer, admin): security (SASL, TLS) and anything
 * else a cluster needs, from the environment ({@link #ENVIRONMENT}) and from a client properties file (the {@code
 * --kafka-config} option of the command-line tools, like Kafka's own {@code --command-config}). The file's entries win
 * over the environment's.
 *
 * <p>Checked when read: a protocol that is not one of {@link SecurityProtocol#names()}, a malformed SASL mechanism name
 * or JAAS configuration, a trust or key store that is not a readable file, SASL settings without a SASL protocol, TLS
 * stores without a TLS protocol, and a file entry a tool sets itself ({@code bootstrap.servers}, serializers) fail with
 * an {@link IllegalArgumentException} naming the variable (or the file and key), the value unless it is secret, and
 * what is valid.
 *
 * <p>Secrets (every Kafka setting of type password, such as {@code sasl.jaas.config} and {@code ssl.*.password}) are
 * never part of a message: {@link #toString()} shows them as {@code (hidden)}.
 */
public final class KafkaClientProperties {
    /**
     * Environment variable and the Kafka client setting it sets, in the order they are documented. Each maps one to
     * one; any other setting goes in the properties file.
     */
    public static final Map<String, String> ENVIRONMENT = environment();

    private static final String PROTOCOL = CommonClientConfigs.SECURITY_PROTOCOL_CONFIG;

    /** Settings a tool sets itself; a file that sets them is refused rather than silently overruled. */
    private static final Set<String> OWNED_BY_THE_TOOL = Set.of(
            CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG,
            ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG,
            ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG,
            ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG,
            ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG);

    /** A SASL mechanism name per RFC 4422: 1 to 20 upper-case letters, digits, hyphens and underscores. */
    private static final Pattern SASL_MECHANISM = Pattern.compile("[A-Z0-9_-]{1,20}");

    private static final Set<String> STORE_LOCATIONS =
            Set.of(SslConfigs.SSL_TRUSTSTORE_LOCATION_CONFIG, SslConfigs.SSL_KEYSTORE_LOCATION_CONFIG);

    /** SASL settings that mean nothing without a SASL protocol. */
    private static final Set<String> SASL_ONLY = Set.of(SaslConfigs.SASL_MECHANISM, SaslConfigs.SASL_JAAS_CONFIG);

    /** TLS settings that mean nothing without a TLS protocol. */
    private static final Set<String> TLS_ONLY = Set.of(
            SslConfigs.SSL_TRUSTSTORE_LOCATION_CONFIG,
            SslConfigs.SSL_TRUSTSTORE_PASSWORD_CONFIG,
            SslConfigs.SSL_KEYSTORE_LOCATION_CONFIG,
            SslConfigs.SSL_KEYSTORE_PASSWORD_CONFIG,
            SslConfigs.SSL_KEY_PASSWORD_CONFIG);

    private static final Set<String> SECRETS = secretSettings();

    /** Setting to value, in the order read. */
    private final Map<String, String> properties;
    /** Setting to where it came from: the variable, or {@code <key> in <file>}. */
    private final Map<String, String> origins;

    private KafkaClientProperties(Map<String, String> properties, Map<String, String> origins) {
        this.properties = Collections.unmodifiableMap(new LinkedHashMap<>(properties));
        this.origins = Collections.unmodifiableMap(new LinkedHashMap<>(origins));
    }

    /**
     * The settings of the {@link #ENVIRONMENT} variables that are set and not blank.
     *
     * @throws IllegalArgumentException naming the variable whose value is not valid, and what is valid
     */
    public static KafkaClientProperties fromEnvironment(Map<String, String> env) {
        return of(env, null);
    }

    /**
     * The settings of the {@link #ENVIRONMENT} variables, with those of a Java properties file (read as Kafka's tools
     * read {@code --command-config}) on top.
     *
     * @param file the file, or null for none
     * @throws IllegalArgumentException naming the file when it cannot be read, or the variable (the file and key) of a
     *     setting that is not valid, or the two settings that do not go together
     */
    public static KafkaClientProperties of(Map<String, String> env, Path file) {
        Map<String, String> properties = new LinkedHashMap<>();
        Map<String, String> origins = new LinkedHashMap<>();
        ENVIRONMENT.forEach((variable, setting) -> {
            String value = env.get(variable);
            if (value != null && !value.isBlank()) {
                properties.put(setting, value.strip());
                origins.put(setting, variable);
            }
        });
        if (file != null) {
            readFile(file, properties, origins);
        }
        return checked(properties, origins);
    }

    private static void readFile(Path file, Map<String, String> properties, Map<String, String> origins) {
        Properties read = new Properties();
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            read.load(reader);
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException("Kafka client settings file " + file + " does not exist");
        } catch (IOException | IllegalArgumentException e) {
            throw new IllegalArgumentException("cannot read Kafka client settings file " + file + ": " + reason(e));
        }
        read.stringPropertyNames().stream().sorted().forEach(key -> {
            String origin = key + " in " + file;
            if (OWNED_BY_THE_TOOL.contains(key)) {
                throw new IllegalArgumentException(origin + " is not taken from the file: "
                        + (key.equals(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG)
                                ? "give the brokers with KAFKA_BOOTSTRAP_SERVERS (or the tool's --bootstrap-servers)"
                                : "the tool sets its own (de)serializers"));
            }
            properties.put(key, read.getProperty(key).strip());
            origins.put(key, origin);
        });
    }

    /** The settings, to add to a client's configuration; unmodifiable. */
    public Map<String, String> asMap() {
        return properties;
    }

    /** Adds every setting to {@code config}, replacing the same keys. */
    public void applyTo(Map<String, Object> config) {
        config.putAll(properties);
    }

    /** Whether nothing is set: the client's own defaults (PLAINTEXT) apply. */
    public boolean isEmpty() {
        return properties.isEmpty();
    }

    /** The protocol set ({@code security.protocol}), upper case; empty when the client's default (PLAINTEXT) applies. */
    public Optional<SecurityProtocol> securityProtocol() {
        return Optional.ofNullable(properties.get(PROTOCOL)).map(SecurityProtocol::forName);
    }

    /** Where a setting came from: its variable, or {@code <key> in <file>}; empty when it is not set. */
    public Optional<String> originOf(String setting) {
        return Optional.ofNullable(origins.get(setting));
    }

    /** Whether Kafka treats this setting as a secret (type password): never printed. */
    public static boolean isSecret(String setting) {
        return SECRETS.contains(setting);
    }

    /**
     * The protocol and SASL mechanism in a few words, for an error message: {@code security.protocol=SASL_SSL (from
     * KAFKA_SECURITY_PROTOCOL), sasl.mechanism=PLAIN (from KAFKA_SASL_MECHANISM)}, or {@code security.protocol=PLAINTEXT
     * (the default)}.
     */
    public String describeSecurity() {
        StringBuilder text = new StringBuilder();
        String protocol = properties.get(PROTOCOL);
        text.append("security.protocol=")
                .append(
                        protocol == null
                                ? "PLAINTEXT (the default)"
                                : protocol + " (from " + origins.get(PROTOCOL) + ")");
        String mechanism = properties.get(SaslConfigs.SASL_MECHANISM);
        if (mechanism != null) {
            text.append(", sasl.mechanism=")
                    .append(mechanism)
                    .append(" (from ")
                    .append(origins.get(SaslConfigs.SASL_MECHANISM))
                    .append(")");
        }
        return text.toString();
    }

    /**
     * The authentication failure among {@code error} and its causes: credentials refused, a SASL mechanism the broker
     * does not enable, a TLS handshake that failed (an untrusted certificate).
     */
    public static Optional<AuthenticationException> authenticationFailure(Throwable error) {
        for (Throwable cause = error; cause != null; cause = cause.getCause()) {
            if (cause instanceof AuthenticationException authentication) {
                return Optional.of(authentication);
            }
        }
        return Optional.empty();
    }

    /**
     * One line saying that Kafka refused to authenticate this client, with Kafka's reason (it names no secret) and the
     * settings to check.
     */
    public String authenticationRefused(String bootstrapServers, AuthenticationException e) {
        String reason = e.getMessage();
        Throwable root = e;
        while (root.getCause() != null) {
            root = root.getCause();
        }
        if (root != e && root.getMessage() != null) {
            reason = reason + " (" + root.getMessage() + ")";
        }
        boolean tls = e instanceof SslAuthenticationException;
        return "Kafka at " + bootstrapServers + " did not authenticate this client with " + describeSecurity() + ": "
                + reason + "; check "
                + (tls
                        ? "KAFKA_SSL_TRUSTSTORE_LOCATION (the brokers' CA) and the host names in their certificates"
                        : "the user and password in KAFKA_SASL_JAAS_CONFIG and KAFKA_SASL_MECHANISM")
                + " (or the --kafka-config file)";
    }

    /** Every setting with its value, secrets as {@code (hidden)}. */
    @Override
    public String toString() {
        return properties.entrySet().stream()
                .map(e -> e.getKey() + "=" + (isSecret(e.getKey()) ? "(hidden)" : e.getValue()))
                .collect(Collectors.joining(", ", "{", "}"));
    }

    private static KafkaClientProperties checked(Map<String, String> properties, Map<String, String> origins) {
        String protocolText = properties.get(PROTOCOL);
        SecurityProtocol protocol = SecurityProtocol.PLAINTEXT;
        if (protocolText != null) {
            protocol = protocol(protocolText, origins.get(PROTOCOL));
            properties.put(PROTOCOL, protocol.name);
        }
        String mechanism = properties.get(SaslConfigs.SASL_MECHANISM);
        if (mechanism != null && !SASL_MECHANISM.matcher(mechanism).matches()) {
            throw new IllegalArgumentException(origins.get(SaslConfigs.SASL_MECHANISM) + " '" + mechanism
                    + "' is not valid: expected a SASL mechanism name in upper case, such as PLAIN, SCRAM-SHA-256,"
                    + " SCRAM-SHA-512, OAUTHBEARER or GSSAPI");
        }
        String jaas = properties.get(SaslConfigs.SASL_JAAS_CONFIG);
        if (jaas != null) {
            checkJaas(jaas, origins.get(SaslConfigs.SASL_JAAS_CONFIG));
        }
        for (String location : STORE_LOCATIONS) {
            String path = properties.get(location);
            if (path != null && !(Files.isRegularFile(Path.of(path)) && Files.isReadable(Path.of(path)))) {
                throw new IllegalArgumentException(origins.get(location) + " '" + path
                        + "' is not valid: expected a readable trust or key store file (PKCS12, JKS or PEM)");
            }
        }
        boolean sasl = protocol == SecurityProtocol.SASL_PLAINTEXT || protocol == SecurityProtocol.SASL_SSL;
        boolean tls = protocol == SecurityProtocol.SSL || protocol == SecurityProtocol.SASL_SSL;
        String protocolShown = protocolText == null
                ? "security.protocol is PLAINTEXT (not set; KAFKA_SECURITY_PROTOCOL sets it)"
                : origins.get(PROTOCOL) + " is " + protocol.name;
        for (String setting : properties.keySet()) {
            if (setting.startsWith("sasl.") && SASL_ONLY.contains(setting) && !sasl) {
                throw new IllegalArgumentException(origins.get(setting) + " is set but " + protocolShown
                        + ", which does not use SASL: expected SASL_SSL (or SASL_PLAINTEXT on a trusted network)");
            }
            if (TLS_ONLY.contains(setting) && !tls) {
                throw new IllegalArgumentException(origins.get(setting) + " is set but " + protocolShown
                        + ", which does not use TLS: expected SSL or SASL_SSL");
            }
        }
        return new KafkaClientProperties(properties, origins);
    }

    private static SecurityProtocol protocol(String value, String origin) {
        String upper = value.toUpperCase(Locale.ROOT);
        if (SecurityProtocol.names().contains(upper)) {
            return SecurityProtocol.forName(upper);
        }
        throw new IllegalArgumentException(origin + " '" + value + "' is not valid: expected one of "
                + String.join(", ", SecurityProtocol.names()));
    }

    /** Parses the JAAS configuration as the client will; Kafka's messages name keys and flags, never values. */
    private static void checkJaas(String jaas, String origin) {
        try {
            JaasContext.loadClientContext(Map.of(SaslConfigs.SASL_JAAS_CONFIG, new Password(jaas)));
        } catch (IllegalArgumentException | SecurityException e) {
            throw new IllegalArgumentException(origin + " is not a valid JAAS configuration (" + e.getMessage()
                    + "): expected one login module, such as org.apache.kafka.common.security.plain.PlainLoginModule"
                    + " required username=\"...\" password=\"...\";");
        }
    }

    private static String reason(Exception e) {
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }

    private static Map<String, String> environment() {
        Map<String, String> variables = new LinkedHashMap<>();
        variables.put("KAFKA_SECURITY_PROTOCOL", PROTOCOL);
        variables.put("KAFKA_SASL_MECHANISM", SaslConfigs.SASL_MECHANISM);
        variables.put("KAFKA_SASL_JAAS_CONFIG", SaslConfigs.SASL_JAAS_CONFIG);
        variables.put("KAFKA_SSL_TRUSTSTORE_LOCATION", SslConfigs.SSL_TRUSTSTORE_LOCATION_CONFIG);
        variables.put("KAFKA_SSL_TRUSTSTORE_PASSWORD", SslConfigs.SSL_TRUSTSTORE_PASSWORD_CONFIG);
        variables.put("KAFKA_SSL_KEYSTORE_LOCATION", SslConfigs.SSL_KEYSTORE_LOCATION_CONFIG);
        variables.put("KAFKA_SSL_KEYSTORE_PASSWORD", SslConfigs.SSL_KEYSTORE_PASSWORD_CONFIG);
        variables.put("KAFKA_SSL_KEY_PASSWORD", SslConfigs.SSL_KEY_PASSWORD_CONFIG);
        return Collections.unmodifiableMap(variables);
    }

    private static Set<String> secretSettings() {
        return List.of(ProducerConfig.configDef(), ConsumerConfig.configDef(), AdminClientConfig.configDef()).stream()
                .flatMap(def -> def.configKeys().values().stream())
                .filter(key -> key.type == ConfigDef.Type.PASSWORD)
                .map(key -> key.name)
                .collect(Collectors.toUnmodifiableSet());
    }
}
