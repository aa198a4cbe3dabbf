package dev.tracking.client.registry;

/**
 * The schema registry answered, and refused: an incompatible schema (409), an invalid one (422), bad credentials
 * (401/403), or another client error; or what answered is no registry API (a 404 without the registry's own "not
 * found" error: a wrong base path, a proxy). Retrying the same request will not help. The message names the registry
 * URL, the operation and the subject.
 */
public class SchemaRegistryException extends RuntimeException {
    private final int status;
    private final int errorCode;

    /**
     * @param status the HTTP status
     * @param errorCode the registry's {@code error_code} (Confluent's 40401, 409, 42201, ...), or -1 when absent
     */
    public SchemaRegistryException(String message, int status, int errorCode) {
        super(message);
        this.status = status;
        this.errorCode = errorCode;
    }

    /** The HTTP status of the refusal. */
    public int status() {
        return status;
    }

    /** The registry's {@code error_code}, or -1 when the answer had none. */
    public int errorCode() {
        return errorCode;
    }
}
