package dev.tracking.client.serde;

/**
 * The bytes of a record are not a readable fact: unknown framing, unknown writer schema, or a corrupt body. Permanent:
 * retrying cannot help, the record belongs in the dead-letter topic; except for the subclass {@link
 * UnknownWriterSchemaException}, which a later attempt may overcome.
 */
public class UndecodableFactException extends RuntimeException {
    private final String writerSchema;

    /**
     * @param writerSchema how the writer schema was identified (a fingerprint or registry id), or null when the framing
     *     itself was not recognised
     */
    public UndecodableFactException(String message, String writerSchema, Throwable cause) {
        super(message, cause);
        this.writerSchema = writerSchema;
    }

    /** The writer schema reference found in the bytes ({@link WriterSchemaReference}), or null. */
    public String writerSchema() {
        return writerSchema;
    }
}
