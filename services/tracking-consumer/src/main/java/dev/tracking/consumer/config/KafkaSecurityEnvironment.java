package dev.tracking.consumer.config;

import dev.tracking.client.kafka.KafkaClientProperties;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.core.Ordered;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.MutablePropertySources;
import org.springframework.core.env.StandardEnvironment;

/**
 * The consumer reads the Kafka security variables the command-line tools read ({@link KafkaClientProperties#ENVIRONMENT}:
 * {@code KAFKA_SECURITY_PROTOCOL}, {@code KAFKA_SASL_MECHANISM}, {@code KAFKA_SASL_JAAS_CONFIG}, {@code
 * KAFKA_SSL_TRUSTSTORE_LOCATION}, ...) and sets Spring Boot's {@code spring.kafka.security.protocol}, {@code
 * spring.kafka.properties[sasl.*]} and {@code spring.kafka.ssl.*} from those that are set, so every client Spring Boot
 * builds (listener, dead-letter producer, admin) gets them.
 *
 * <p>Why not placeholders in {@code application.yml}: a variable that is not set must leave Kafka's default in place,
 * and there is no placeholder for "unset". An empty {@code security.protocol} is refused by Kafka ("Invalid value for
 * configuration security.protocol"), and an empty trust store location or JAAS configuration would replace the JDK's
 * CAs or a {@code java.security.auth.login.config} file.
 *
 * <p>The values are checked as the tools check them (the message names the variable and what is valid, never a
 * secret); a bad one stops start-up. Spring Boot's own keys win: {@code SPRING_KAFKA_SECURITY_PROTOCOL}, a {@code
 * --spring.kafka.*} argument or a {@code spring.kafka.*} line in a configuration file set the same setting over the
 * variable.
 */
public final class KafkaSecurityEnvironment implements EnvironmentPostProcessor, Ordered {
    /** Name of the property source it adds. */
    public static final String SOURCE = "kafkaSecurityVariables";

    @Override
    public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
        Map<String, String> variables = new HashMap<>();
        for (String variable : KafkaClientProperties.ENVIRONMENT.keySet()) {
            String value = environment.getProperty(variable);
            if (value != null) {
                variables.put(variable, value);
            }
        }
        Map<String, Object> spring = springProperties(KafkaClientProperties.fromEnvironment(variables));
        if (spring.isEmpty()) {
            return;
        }
        MutablePropertySources sources = environment.getPropertySources();
        MapPropertySource source = new MapPropertySource(SOURCE, spring);
        String systemEnvironment = StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME;
        if (sources.contains(systemEnvironment)) {
            // below the environment's and the command line's spring.kafka.*, above application.yml
            sources.addAfter(systemEnvironment, source);
        } else {
            sources.addLast(source);
        }
    }

    /** The Spring Boot properties of Kafka client settings. */
    static Map<String, Object> springProperties(KafkaClientProperties kafka) {
        Map<String, Object> spring = new LinkedHashMap<>();
        kafka.asMap().forEach((setting, value) -> {
            switch (setting) {
                case "security.protocol" -> spring.put("spring.kafka.security.protocol", value);
                case "ssl.truststore.location" -> spring.put("spring.kafka.ssl.trust-store-location", "file:" + value);
                case "ssl.truststore.password" -> spring.put("spring.kafka.ssl.trust-store-password", value);
                case "ssl.keystore.location" -> spring.put("spring.kafka.ssl.key-store-location", "file:" + value);
                case "ssl.keystore.password" -> spring.put("spring.kafka.ssl.key-store-password", value);
                case "ssl.key.password" -> spring.put("spring.kafka.ssl.key-password", value);
                default -> spring.put("spring.kafka.properties[" + setting + "]", value);
            }
        });
        return spring;
    }

    /** After the configuration files are read, so a variable set there is seen too. */
    @Override
    public int getOrder() {
        return Ordered.LOWEST_PRECEDENCE;
    }
}
