package dev.tracking.bench.relay;

import com.posthog.server.PostHog;
import com.posthog.server.PostHogConfig;
import com.posthog.server.PostHogInterface;
import dev.tracking.bench.data.Milestones;
import dev.tracking.client.serde.FactDecoder;
import dev.tracking.client.serde.SingleObjectEncoding;
import dev.tracking.consumer.mapping.FactMapping;
import dev.tracking.consumer.mapping.PostHogEvent;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.Callable;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The baseline of {@code make bench}: the relay a team would write first with PostHog's Java SDK ({@code
 * com.posthog:posthog-server}), run as its own process. A Kafka consumer with auto-committed offsets decodes each fact,
 * maps it with the consumer's {@link FactMapping} (milestones once per key, kept in memory) and calls the SDK's {@code
 * capture}/{@code group} per event, as PostHog's documentation shows; SDK defaults unless {@code --batch-size} raises
 * its batch size ({@code flushAt} and {@code maxBatchSize}; its queue stays at the default 1,000 events). When a poll returns nothing it calls {@code flush()}, so that the last events do not wait for the
 * SDK's 30-second timer.
 */
@Command(
        name = "sdk-relay",
        mixinStandardHelpOptions = true,
        description = "Relays facts from Kafka to PostHog with the PostHog Java SDK (the benchmark's baseline).")
public final class SdkRelay implements Callable<Integer> {
    @Option(names = "--bootstrap-servers", required = true, description = "Kafka bootstrap servers")
    String bootstrapServers;

    @Option(names = "--group", required = true, description = "consumer group")
    String group;

    @Option(names = "--topics", required = true, split = ",", description = "source topics, comma-separated")
    List<String> topics;

    @Option(names = "--host", required = true, description = "PostHog host, e.g. http://127.0.0.1:8000")
    String host;

    @Option(
            names = "--api-key",
            defaultValue = "phc_bench",
            description = "project API key (default: ${DEFAULT-VALUE})")
    String apiKey;

    @Option(
            names = "--batch-size",
            description = "the SDK's flushAt and maxBatchSize (default: the SDK's own, "
                    + PostHogConfig.DEFAULT_FLUSH_AT + " and " + PostHogConfig.DEFAULT_MAX_BATCH_SIZE + ")")
    Integer batchSize;

    private volatile boolean running = true;

    public static void main(String[] args) {
        System.exit(new CommandLine(new SdkRelay()).execute(args));
    }

    @Override
    public Integer call() {
        PostHogConfig.Builder config = PostHogConfig.builder(apiKey).host(host);
        if (batchSize != null) {
            // maxBatchSize alone changes nothing: the SDK sends as soon as flushAt events are queued
            config.flushAt(batchSize).maxBatchSize(batchSize);
        }
        PostHogInterface posthog = PostHog.with(config.build());
        FactMapping mapping = FactMapping.standard();
        FactDecoder decoder = SingleObjectEncoding.decoder();
        Milestones milestones = new Milestones();
        KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(consumerProperties());
        Thread main = Thread.currentThread();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            running = false;
            consumer.wakeup();
            try {
                main.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }));
        long facts = 0;
        long calls = 0;
        long nextReport = System.nanoTime();
        try {
            consumer.subscribe(topics);
            while (running) {
                ConsumerRecords<byte[], byte[]> records = consumer.poll(Duration.ofMillis(500));
                if (records.isEmpty()) {
                    posthog.flush();
                }
                for (ConsumerRecord<byte[], byte[]> record : records) {
                    SpecificRecord fact = decoder.decode(record.topic(), record.value());
                    facts++;
                    for (PostHogEvent event : mapping.map(fact)) {
                        if (milestones.keep(event)) {
                            SdkCall.of(event).send(posthog);
                            calls++;
                        }
                    }
                }
                if (System.nanoTime() >= nextReport) {
                    System.out.printf("sdk-relay: %d facts read, %d SDK calls%n", facts, calls);
                    nextReport = System.nanoTime() + 5_000_000_000L;
                }
            }
        } catch (WakeupException stopping) {
            // SIGTERM
        } finally {
            consumer.close(Duration.ofSeconds(5));
            posthog.close();
            System.out.printf("sdk-relay: stopped after %d facts read, %d SDK calls%n", facts, calls);
        }
        return 0;
    }

    private Properties consumerProperties() {
        Properties properties = new Properties();
        properties.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        properties.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        properties.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        properties.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "true");
        properties.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        properties.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        return properties;
    }
}
