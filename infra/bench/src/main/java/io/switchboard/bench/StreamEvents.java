package io.switchboard.bench;

import com.amazonaws.services.lambda.runtime.events.DynamodbEvent;
import java.util.ArrayList;
import java.util.List;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.GetRecordsResponse;
import software.amazon.awssdk.services.dynamodb.model.Record;
import software.amazon.awssdk.services.dynamodb.model.Shard;
import software.amazon.awssdk.services.dynamodb.model.ShardIteratorType;
import software.amazon.awssdk.services.dynamodb.streams.DynamoDbStreamsClient;

/**
 * Reads a table's DynamoDB Stream from its oldest record with the SDK's streams client and turns the records
 * into the Lambda {@link DynamodbEvent}s a stream subscription would deliver.
 */
final class StreamEvents {

    private StreamEvents() {
    }

    /** Every record the stream holds now, shard by shard, in order. */
    static List<Record> readAll(DynamoDbClient dynamoDb, DynamoDbStreamsClient streams, String table) {
        String streamArn = dynamoDb.describeTable(b -> b.tableName(table)).table().latestStreamArn();
        List<Shard> shards = new ArrayList<>();
        String start = null;
        do {
            String exclusiveStart = start;
            var description = streams.describeStream(b -> b.streamArn(streamArn).exclusiveStartShardId(exclusiveStart))
                    .streamDescription();
            shards.addAll(description.shards());
            start = description.lastEvaluatedShardId();
        } while (start != null);
        List<Record> records = new ArrayList<>();
        for (Shard shard : shards) {
            String iterator = streams.getShardIterator(b -> b.streamArn(streamArn).shardId(shard.shardId())
                    .shardIteratorType(ShardIteratorType.TRIM_HORIZON)).shardIterator();
            while (iterator != null) {
                String current = iterator;
                GetRecordsResponse response = streams.getRecords(b -> b.shardIterator(current).limit(1000));
                records.addAll(response.records());
                // An open shard's iterator never ends: stop at its current end.
                iterator = response.records().isEmpty() ? null : response.nextShardIterator();
            }
        }
        return records;
    }

    /** Lambda events of up to {@code batchSize} records each, in the given order. */
    static List<DynamodbEvent> events(List<Record> records, String streamArn, int batchSize) {
        List<DynamodbEvent> events = new ArrayList<>();
        for (int from = 0; from < records.size(); from += batchSize) {
            List<DynamodbEvent.DynamodbStreamRecord> batch = new ArrayList<>();
            for (Record record : records.subList(from, Math.min(records.size(), from + batchSize))) {
                batch.add(io.switchboard.local.StreamPoller.convert(record, streamArn));
            }
            DynamodbEvent event = new DynamodbEvent();
            event.setRecords(batch);
            events.add(event);
        }
        return events;
    }
}
