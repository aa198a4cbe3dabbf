package dev.tracking.client.registry;

import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.tracking.testkit.registry.ApicurioRegistry;
import java.net.URI;
import java.time.Duration;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A real schema registry of one test class (Apicurio Registry, through its Confluent-compatible API) and a client of
 * it: started before its first test (within two minutes; the class is skipped when there is no Java 21 to run it, see
 * {@link ApicurioRegistry#startOrSkip()}), closed after its last. Each class registers its own:
 *
 * <pre>{@code
 * @RegisterExtension
 * static final RealRegistry apicurio = new RealRegistry();
 * }</pre>
 */
final class RealRegistry implements BeforeAllCallback, AfterAllCallback {
    private static final Duration STARTUP_TIMEOUT = Duration.ofMinutes(2);

    private ApicurioRegistry apicurio;
    private HttpSchemaRegistryClient client;

    @Override
    public void beforeAll(ExtensionContext context) {
        apicurio =
                assertTimeoutPreemptively(STARTUP_TIMEOUT, ApicurioRegistry::startOrSkip, "Apicurio Registry started");
        client = HttpSchemaRegistryClient.builder(apicurio.ccompatUrl()).build();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (apicurio != null) {
            apicurio.close();
        }
    }

    /** The Confluent-compatible API of the registry. */
    URI ccompatUrl() {
        return apicurio.ccompatUrl();
    }

    /** One client of the registry for the whole class, built when it started. */
    HttpSchemaRegistryClient client() {
        return client;
    }
}
