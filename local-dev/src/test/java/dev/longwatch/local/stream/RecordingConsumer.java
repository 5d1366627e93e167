package dev.longwatch.local.stream;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.KinesisEvent;
import com.amazonaws.services.lambda.runtime.events.StreamsEventResponse;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/** A consumer that keeps every batch it is given and answers as the test scripts it. */
final class RecordingConsumer implements RequestHandler<KinesisEvent, StreamsEventResponse> {
    final List<KinesisEvent> batches = new ArrayList<>();
    final List<Context> contexts = new ArrayList<>();
    private Function<KinesisEvent, StreamsEventResponse> answer = e -> StreamsEventResponse.builder().build();

    static RecordingConsumer succeeding() {
        return new RecordingConsumer();
    }

    RecordingConsumer answering(Function<KinesisEvent, StreamsEventResponse> answer) {
        this.answer = answer;
        return this;
    }

    /** Reports every record whose data is one of {@code payloads} as failed. */
    RecordingConsumer failing(String... payloads) {
        List<String> bad = List.of(payloads);
        return answering(e -> {
            List<StreamsEventResponse.BatchItemFailure> failures = new ArrayList<>();
            for (KinesisEvent.KinesisEventRecord r : e.getRecords()) {
                if (bad.contains(text(r))) {
                    failures.add(StreamsEventResponse.BatchItemFailure.builder()
                            .withItemIdentifier(r.getKinesis().getSequenceNumber()).build());
                }
            }
            return StreamsEventResponse.builder().withBatchItemFailures(failures).build();
        });
    }

    @Override
    public StreamsEventResponse handleRequest(KinesisEvent event, Context context) {
        batches.add(event);
        contexts.add(context);
        return answer.apply(event);
    }

    List<KinesisEvent.KinesisEventRecord> records() {
        return batches.stream().flatMap(b -> b.getRecords().stream()).toList();
    }

    List<String> payloads() {
        return records().stream().map(RecordingConsumer::text).toList();
    }

    List<String> sequenceNumbers() {
        return records().stream().map(r -> r.getKinesis().getSequenceNumber()).toList();
    }

    void clear() {
        batches.clear();
        contexts.clear();
    }

    static String text(KinesisEvent.KinesisEventRecord r) {
        ByteBuffer b = r.getKinesis().getData().asReadOnlyBuffer();
        byte[] bytes = new byte[b.remaining()];
        b.get(bytes);
        return new String(bytes, StandardCharsets.UTF_8);
    }

    static String shardOf(KinesisEvent.KinesisEventRecord r) {
        return r.getEventID().substring(0, r.getEventID().indexOf(':'));
    }
}
