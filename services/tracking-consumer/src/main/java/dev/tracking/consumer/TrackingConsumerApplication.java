package dev.tracking.consumer;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/** The tracking consumer: facts from Kafka to PostHog. */
@SpringBootApplication
@ConfigurationPropertiesScan
public class TrackingConsumerApplication {
    public static void main(String[] args) {
        SpringApplication.run(TrackingConsumerApplication.class, args);
    }
}
