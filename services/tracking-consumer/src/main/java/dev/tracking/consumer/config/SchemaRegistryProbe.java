package dev.tracking.consumer.config;

import dev.tracking.client.registry.SchemaRegistryClient;
import dev.tracking.client.registry.SchemaRegistryException;
import dev.tracking.client.registry.SchemaRegistryUnavailableException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The start-up check of a configured schema registry, through the consumer's own client (same URL, credentials, TLS):
 * it lists the registry's subjects. A registry that answers but refuses us (401, 403), or a URL where no registry API
 * answers (404 without the registry's own error, a page that is not a list of subjects), stops start-up with the URL
 * (never its credentials) and what to check. A registry that cannot be reached only logs a warning: a registry restart
 * must not crash-loop consumers, and records that need it wait until it answers.
 */
final class SchemaRegistryProbe {
    private static final Logger log = LoggerFactory.getLogger(SchemaRegistryProbe.class);

    private SchemaRegistryProbe() {}

    /** @throws IllegalStateException when the registry refuses us or is not a registry */
    static void atStartUp(SchemaRegistryClient registry) {
        try {
            registry.probe();
            log.info("schema registry {} answered the start-up check", registry.url());
        } catch (SchemaRegistryUnavailableException e) {
            log.warn(
                    "schema registry {} cannot be reached at start-up; starting anyway, Confluent-framed records wait"
                            + " until it answers: {}",
                    registry.url(),
                    e.getMessage());
        } catch (SchemaRegistryException e) {
            throw new IllegalStateException(
                    "start-up check of the schema registry failed: " + e.getMessage() + "; " + whatToCheck(e.status()),
                    e);
        }
    }

    static String whatToCheck(int status) {
        if (status == 401) {
            return "check its credentials: tracking.schema-registry.username and .password (SCHEMA_REGISTRY_USER,"
                    + " SCHEMA_REGISTRY_PASSWORD) or the URL's user-info";
        }
        if (status == 403) {
            return "its credentials are accepted but may not read subjects: check the account's permissions";
        }
        if (status == 404) {
            return "tracking.schema-registry.url (SCHEMA_REGISTRY_URL) must be the root of the registry's Confluent REST"
                    + " API, such as http://host:8081 (Confluent, Karapace, Redpanda) or http://host:8080/apis/ccompat/v7"
                    + " (Apicurio)";
        }
        if (status >= 300 && status < 400) {
            return "it redirects: set tracking.schema-registry.url (SCHEMA_REGISTRY_URL) to where it redirects to";
        }
        return "check tracking.schema-registry.url (SCHEMA_REGISTRY_URL)";
    }
}
