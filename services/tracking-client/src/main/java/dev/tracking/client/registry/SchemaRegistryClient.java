package dev.tracking.client.registry;

import java.net.URI;
import java.util.List;
import java.util.Optional;
import org.apache.avro.Schema;

/**
 * The operations of the Confluent schema registry REST API that the serde and {@code schemas-register} use. Spoken by
 * Confluent Schema Registry, Apicurio Registry ({@code /apis/ccompat/v7}), Karapace and Redpanda.
 *
 * <p>Every method either answers, or throws {@link SchemaRegistryException} (the registry refused: permanent) or
 * {@link SchemaRegistryUnavailableException} (it could not be asked: retryable). "Not found" is an answer: an empty
 * {@link Optional}, and only when the registry's API said so (over HTTP: a 404 with its own "not found" error code); a
 * URL where no registry API answers is a {@link SchemaRegistryException}. Implementations are thread-safe and do not
 * cache, "not found" included (a schema registered later, or a replica that caught up, is found on the next call);
 * callers cache what never changes (an id's schema, a registered schema's id).
 *
 * @see HttpSchemaRegistryClient the implementation over HTTP
 * @see InMemorySchemaRegistryClient an in-process registry for tests without a server
 */
public interface SchemaRegistryClient {

    /** The registry's base URL, without credentials (safe to log). */
    URI url();

    /**
     * Registers {@code schema} under {@code subject}, or finds it when already registered ({@code POST
     * /subjects/{subject}/versions}); idempotent.
     *
     * @return the schema id that goes into the Confluent framing
     * @throws SchemaRegistryException when the registry refuses it (409: incompatible with the subject's level)
     */
    int register(String subject, Schema schema);

    /** The id and version of {@code schema} under {@code subject} ({@code POST /subjects/{subject}}), if registered. */
    Optional<RegisteredSchema> lookup(String subject, Schema schema);

    /** The text of the schema with this id ({@code GET /schemas/ids/{id}}), if the registry has one. */
    Optional<String> schemaById(int id);

    /** Version numbers registered under {@code subject}, ascending; empty when the subject does not exist. */
    List<Integer> versions(String subject);

    /** One version of a subject ({@code GET /subjects/{subject}/versions/{version}}), if it exists. */
    Optional<RegisteredSchema> version(String subject, int version);

    /**
     * Whether the registry would accept {@code schema} as the next version of {@code subject} under the subject's
     * compatibility level ({@code POST /compatibility/subjects/{subject}/versions/latest?verbose=true}). A subject
     * with no version accepts anything.
     */
    CompatibilityCheck testCompatibility(String subject, Schema schema);

    /** The subject's own compatibility level ({@code GET /config/{subject}}), if one is set. */
    Optional<CompatibilityLevel> compatibilityLevel(String subject);

    /**
     * Checks that the URL, credentials and TLS settings reach a registry's API, by listing its subjects ({@code GET
     * /subjects}): the one call every implementation serves and every account may make. For start-up checks.
     *
     * @throws SchemaRegistryException when it answers but refuses (401, 403), or is not a registry API (404, or an
     *     answer that is not a list of subjects)
     * @throws SchemaRegistryUnavailableException when it cannot be asked (see the implementation's retries)
     */
    void probe();

    /** The registry-wide default compatibility level ({@code GET /config}). */
    CompatibilityLevel globalCompatibilityLevel();

    /** Sets the subject's compatibility level ({@code PUT /config/{subject}}). */
    void setCompatibilityLevel(String subject, CompatibilityLevel level);

    /** A schema registered under a subject. */
    record RegisteredSchema(String subject, int version, int id, String schema) {}

    /**
     * The registry's verdict on a candidate schema.
     *
     * @param messages the registry's reasons when it gives them (Confluent with {@code verbose=true}); may be empty
     */
    record CompatibilityCheck(boolean compatible, List<String> messages) {
        public CompatibilityCheck {
            messages = List.copyOf(messages);
        }
    }
}
