package dev.tracking.consumer.consume;

import java.util.List;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.springframework.kafka.annotation.KafkaListener;

/**
 * The Kafka entry point: a batch listener over every fact topic. It hands each poll to the {@link FactPipeline} and the
 * outcome to {@link PartitionControl} (commit what was settled, rewind and pause what must be retried). It throws only
 * to stop consumption (a misconfiguration), which the container's error handler does. See {@code KafkaConfiguration}.
 */
public class FactListener {
    /** Id of the listener container, for pause/resume/stop and health. */
    public static final String ID = "facts";

    private final FactPipeline pipeline;
    private final PartitionControl partitions;
    private final ConsumerLag lag;

    public FactListener(FactPipeline pipeline, PartitionControl partitions, ConsumerLag lag) {
        this.pipeline = pipeline;
        this.partitions = partitions;
        this.lag = lag;
    }

    @KafkaListener(id = ID, idIsGroup = false, topics = "#{@factTopics}", batch = "true")
    public void onFacts(List<ConsumerRecord<byte[], byte[]>> records, Consumer<?, ?> consumer) {
        lag.observe(consumer);
        partitions.apply(pipeline.process(records, consumer), consumer);
    }
}
