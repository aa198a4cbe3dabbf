package dev.tracking.testkit.tls;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.KeyStore;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A self-signed TLS certificate for {@code 127.0.0.1} (and {@code localhost}), made at test time with the JDK's {@code
 * keytool}, valid for two days, in the forms servers and clients take: a PKCS12 key store (Kafka brokers), a PKCS12
 * trust store holding only this certificate (Java clients), and PEM files of the certificate and its private key
 * (redis-server). Being self-signed, the certificate is its own CA: a client that trusts it verifies the server's host
 * name as it would in production.
 *
 * @param keyStore PKCS12 key store with the private key and certificate, alias {@code server}
 * @param trustStore PKCS12 trust store with the certificate alone, alias {@code ca}
 * @param certificatePem the certificate, PEM
 * @param privateKeyPem the private key, PKCS#8 PEM
 * @param password password of both stores and of the key
 */
public record TestCertificate(
        Path keyStore, Path trustStore, Path certificatePem, Path privateKeyPem, String password) {

    /**
     * Makes the certificate and writes its files into {@code dir}.
     *
     * @throws IllegalStateException when {@code keytool} fails (its output in the message)
     */
    public static TestCertificate generate(Path dir) {
        String password = "test-store-" + Long.toHexString(System.nanoTime());
        Path keyStore = dir.resolve("server.p12");
        Path trustStore = dir.resolve("truststore.p12");
        Path certificate = dir.resolve("server.crt");
        Path privateKey = dir.resolve("server.key");
        try {
            Files.createDirectories(dir);
            keytool(
                    dir,
                    "-genkeypair",
                    "-alias",
                    "server",
                    "-keyalg",
                    "RSA",
                    "-keysize",
                    "2048",
                    "-validity",
                    "2",
                    "-dname",
                    "CN=127.0.0.1",
                    "-ext",
                    "SAN=IP:127.0.0.1,DNS:localhost",
                    "-storetype",
                    "PKCS12",
                    "-keystore",
                    keyStore.toString(),
                    "-storepass",
                    password,
                    "-keypass",
                    password);
            keytool(
                    dir,
                    "-exportcert",
                    "-rfc",
                    "-alias",
                    "server",
                    "-keystore",
                    keyStore.toString(),
                    "-storepass",
                    password,
                    "-file",
                    certificate.toString());
            keytool(
                    dir,
                    "-importcert",
                    "-noprompt",
                    "-alias",
                    "ca",
                    "-file",
                    certificate.toString(),
                    "-storetype",
                    "PKCS12",
                    "-keystore",
                    trustStore.toString(),
                    "-storepass",
                    password);
            Files.writeString(
                    privateKey,
                    pem("PRIVATE KEY", privateKeyOf(keyStore, password).getEncoded()));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the test certificate into " + dir, e);
        }
        return new TestCertificate(keyStore, trustStore, certificate, privateKey, password);
    }

    private static Key privateKeyOf(Path keyStore, String password) {
        try (InputStream in = Files.newInputStream(keyStore)) {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(in, password.toCharArray());
            return store.getKey("server", password.toCharArray());
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException("cannot read the key keytool wrote into " + keyStore, e);
        }
    }

    private static String pem(String type, byte[] der) {
        String body = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                .encodeToString(der);
        return "-----BEGIN " + type + "-----\n" + body + "\n-----END " + type + "-----\n";
    }

    private static void keytool(Path dir, String... args) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
        command.addAll(List.of(args));
        try {
            Process keytool = new ProcessBuilder(command)
                    .directory(dir.toFile())
                    .redirectErrorStream(true)
                    .start();
            String output = new String(keytool.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!keytool.waitFor(60, TimeUnit.SECONDS) || keytool.exitValue() != 0) {
                keytool.destroyForcibly();
                throw new IllegalStateException("keytool " + args[0] + " failed: " + output);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + command.get(0), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running keytool", e);
        }
    }
}
