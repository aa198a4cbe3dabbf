package dev.tracking.consumer.consume;

import java.util.List;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.springframework.kafka.annotation.KafkaListener;

/**
 * The Kafka entry point: a batch listener over every fact topic. It hands the batch to the {@link FactPipeline}; when
 * that returns, the container commits the batch's offsets, and when it throws, the container's error handler decides
 * (retry with back-off, or stop on misconfiguration). See {@code KafkaConfiguration}.
 */
public class FactListener {
    /** Id of the listener container, for pause/resume/stop and health. */
    public static final String ID = "facts";

    private final FactPipeline pipeline;

    public FactListener(FactPipeline pipeline) {
        this.pipeline = pipeline;
    }

    @KafkaListener(id = ID, idIsGroup = false, topics = "#{@factTopics}", batch = "true")
    public void onFacts(List<ConsumerRecord<byte[], byte[]>> records, Consumer<?, ?> consumer) {
        pipeline.process(records, consumer);
    }
}
