package io.switchboard.core.directory;

import io.micronaut.context.annotation.Secondary;
import io.switchboard.core.config.Settings;
import io.switchboard.core.model.Customer;
import io.switchboard.core.model.Identity;
import io.switchboard.core.model.OpenConversation;
import io.switchboard.core.model.Times;
import io.switchboard.core.log.ConversationPolicy;
import io.switchboard.core.store.LogItems;
import io.switchboard.core.store.Transactions;
import jakarta.inject.Singleton;
import io.switchboard.core.store.BatchReads;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.KeysAndAttributes;
import software.amazon.awssdk.services.dynamodb.model.ConditionCheck;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.GetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.Put;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItemsRequest;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;
import software.amazon.awssdk.services.dynamodb.model.Update;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;

/**
 * The customer directory on DynamoDB. The customers table maps each identity key to a customer id; the
 * customer record itself lives in the conversation log table (see {@link LogItems}).
 *
 * <p>First contact claims the identity with {@code attribute_not_exists} in the same transaction that
 * creates the customer record, so racing deliveries create exactly one customer: the losers' transactions
 * are cancelled, and they re-read and use the winner. An identity, once claimed, points at that customer or, after
 * a merge, at the survivor; a warm container caches identity to customer id and saves a read per webhook, and a
 * cached id of a merged customer still works because {@link #get} follows the merge to the survivor.
 */
@Singleton
@Secondary
public class DynamoDbCustomerDirectory implements CustomerDirectory {

    static final String IDENTITY = "identity";
    static final String CUSTOMER_ID = "customerId";
    static final String CREATED_AT = "createdAt";
    private static final Logger LOG = LoggerFactory.getLogger(DynamoDbCustomerDirectory.class);
    private static final int CACHE_SIZE = 10_000;
    /**
     * Reads of a claimed identity's missing customer record before it is re-created: the first ones may only race
     * the transaction that wrote both (see {@link #resolve}).
     */
    static final int REPAIR_AFTER_ATTEMPTS = 4;
    /** How old a claim must be before its missing record counts as lost rather than racing (see {@link #resolve}). */
    static final java.time.Duration REPAIR_MIN_AGE = java.time.Duration.ofMinutes(1);
    /** How many merges a customer id is followed through before it is called a fault. */
    static final int MAX_MERGE_HOPS = 10;
    /** DynamoDB's limit of items in one TransactWriteItems. */
    static final int MAX_TRANSACTION_ITEMS = 100;

    private final DynamoDbClient dynamoDb;
    private final Settings settings;
    private final Map<String, String> customerIdByIdentity = Collections.synchronizedMap(
            new LinkedHashMap<>(256, 0.75f, true) {
                @Override
                protected boolean removeEldestEntry(Map.Entry<String, String> eldest) {
                    return size() > CACHE_SIZE;
                }
            });

    public DynamoDbCustomerDirectory(DynamoDbClient dynamoDb, Settings settings) {
        this.dynamoDb = dynamoDb;
        this.settings = settings;
    }

    // Read at use, not at construction: Lambda's context builds every singleton eagerly, also where another
    // directory replaces this one; a missing setting then surfaces as a 500 on the request that needs it.
    private String customersTable() {
        return settings.require(Settings.CUSTOMERS_TABLE);
    }

    private String logTable() {
        return settings.require(Settings.CONVERSATION_LOG_TABLE);
    }

    @Override
    public Resolution resolve(Identity identity, String profileName, String source, Instant at) {
        return resolve(identity, profileName, source, at, Lookup.NONE);
    }

    @Override
    public Resolution resolve(Identity identity, String profileName, String source, Instant at, Lookup lookup) {
        Customer looked = lookup.customers().get(identity.key());
        if (looked != null) {
            return new Resolution(fillDisplayName(looked, profileName), false);
        }
        // Read as unclaimed a moment ago: try the claim first; if someone claimed it since, the loop reads the winner.
        boolean unclaimed = lookup.unclaimed().contains(identity.key());
        for (int attempt = 1; ; attempt++) {
            Claim claim = unclaimed && attempt == 1 ? Claim.NONE : claimOf(identity);
            Optional<String> known = claim.customerId();
            if (known.isPresent()) {
                Optional<Customer> customer = claim.record().isPresent() ? follow(claim.record()) : get(known.get());
                if (customer.isPresent()) {
                    return new Resolution(fillDisplayName(customer.get(), profileName), false);
                }
                // The identity and the record are written in one transaction, but a read can still race it on
                // stores whose transactions are not isolated from single reads (some emulators): the record
                // appears a moment later. Read again, briefly; still missing after that for an identity claimed over
                // a minute ago, the record is lost (a store restored in part, a hand-edited table) and no retry of the
                // provider's would ever find it: re-create it. A fresher claim is left to the provider's retry (5xx).
                customerIdByIdentity.remove(identity.key());
                if (attempt == REPAIR_AFTER_ATTEMPTS && recreateMissingRecord(identity, known.get(), profileName, source)) {
                    continue; // read it back like any other claimed identity's record
                }
                Transactions.pauseOrGiveUp(attempt, "customer record of a claimed identity");
                continue;
            }
            Customer created = newCustomer(identity, profileName, source, at);
            try {
                dynamoDb.transactWriteItems(TransactWriteItemsRequest.builder().transactItems(creation(identity, created)).build());
                customerIdByIdentity.put(identity.key(), created.id());
                return new Resolution(created, true);
            } catch (TransactionCanceledException lost) {
                // Another delivery claimed the identity first (condition failed) or is claiming it right now
                // (transaction conflict): read again and use the winner.
                Transactions.pauseOrGiveUp(attempt, "customer creation");
            }
        }
    }

    /**
     * Re-creates the lost record of the customer an identity points at, under the same id, so that the entries
     * already stored under that id stay that customer's. Only for an identity claimed more than
     * {@link #REPAIR_MIN_AGE} ago: a fresher claim's record may only be racing this read (answered 503, and the
     * provider's retry finds it or repairs it). Safe, because both conditions hold in one transaction: the identity
     * item still points at that id (a merge or a link meanwhile moved it: nothing is written) and no record of that
     * id exists (a record that was only late, or another delivery's repair, is never overwritten). A first contact
     * writes the identity and the record together, so once the identity item is readable a creation still in
     * flight cannot be cut short by this. The record knows only this identity; docs/runbook.md ("A customer record
     * is missing") says how to check the others.
     *
     * @return true when it was re-created or someone else's write settled it (read again), false to wait
     */
    private boolean recreateMissingRecord(Identity identity, String customerId, String profileName, String source) {
        Map<String, AttributeValue> claim = dynamoDb.getItem(GetItemRequest.builder().tableName(customersTable())
                .key(Map.of(IDENTITY, LogItems.s(identity.key()))).consistentRead(true).build()).item();
        if (claim == null || claim.isEmpty() || !customerId.equals(claim.get(CUSTOMER_ID).s())) {
            return true; // moved meanwhile: reading again decides
        }
        Instant claimedAt = claim.get(CREATED_AT) == null ? null : Times.parse(claim.get(CREATED_AT).s());
        if (claimedAt == null || claimedAt.isAfter(Instant.now().minus(REPAIR_MIN_AGE))) {
            return false;
        }
        Customer recreated = new Customer(customerId, blankToNull(profileName), List.of(identity.key()), claimedAt, source,
                null);
        try {
            dynamoDb.transactWriteItems(TransactWriteItemsRequest.builder().transactItems(
                    TransactWriteItem.builder().conditionCheck(ConditionCheck.builder().tableName(customersTable())
                            .key(Map.of(IDENTITY, LogItems.s(identity.key())))
                            .conditionExpression("#customerId = :customerId")
                            .expressionAttributeNames(Map.of("#customerId", CUSTOMER_ID))
                            .expressionAttributeValues(Map.of(":customerId", LogItems.s(customerId))).build()).build(),
                    TransactWriteItem.builder().put(Put.builder().tableName(logTable())
                            .item(LogItems.customerItem(recreated))
                            .conditionExpression("attribute_not_exists(#sk)")
                            .expressionAttributeNames(Map.of("#sk", LogItems.SK)).build()).build()).build());
            LOG.warn("re-created the missing record of customer {}, which an identity item points at", customerId);
            return true;
        } catch (TransactionCanceledException settled) {
            // Either condition failed (the identity moved, or the record exists now): reading again decides.
            // Anything else (a conflicting transaction) is waited out like the missing record itself.
            return Transactions.conditionFailed(settled, 0) || Transactions.conditionFailed(settled, 1);
        }
    }

    private static Customer newCustomer(Identity identity, String profileName, String source, Instant at) {
        return new Customer(customerIdFor(identity), blankToNull(profileName), List.of(identity.key()), at, source, null);
    }

    /**
     * A new customer's id, derived from the identity it is created for (a name-based UUID), so that a container
     * that has not seen the identity yet can read the identity item and, in the same BatchGetItem, the record of the
     * customer that identity most likely points at ({@link #claimOf}). Only a prefetch: the identity item decides.
     * Racing first contacts derive the same id, and the claim's condition still lets one of them win; customers
     * created before ids were derived, linked identities and merges simply miss the prefetch and read once more.
     */
    static String customerIdFor(Identity identity) {
        return UUID.nameUUIDFromBytes(("switchboard-customer\n" + identity.key()).getBytes(StandardCharsets.UTF_8)).toString();
    }

    /** The claim of the identity and the customer record: written together or not at all. */
    private List<TransactWriteItem> creation(Identity identity, Customer created) {
        return List.of(
                TransactWriteItem.builder().put(Put.builder().tableName(customersTable())
                        .item(identityItem(identity, created.id(), created.createdAt()))
                        .conditionExpression("attribute_not_exists(#identity)")
                        .expressionAttributeNames(Map.of("#identity", IDENTITY)).build()).build(),
                TransactWriteItem.builder().put(Put.builder().tableName(logTable())
                        .item(LogItems.customerItem(created))
                        .conditionExpression("attribute_not_exists(#sk)")
                        .expressionAttributeNames(Map.of("#sk", LogItems.SK)).build()).build());
    }

    /**
     * Up to {@value Transactions#MAX_ITEMS} / 2 customers a transaction, each as its claim plus its record with the
     * same conditions as {@link #resolve}: one transaction either creates all its customers or none. When one of its
     * identities was claimed meanwhile the whole transaction is cancelled, and its contacts are left to resolve().
     */
    @Override
    public Map<String, Customer> createAll(List<NewContact> contacts) {
        Map<String, Customer> created = new HashMap<>();
        int perTransaction = Transactions.MAX_ITEMS / 2;
        for (int from = 0; from < contacts.size(); from += perTransaction) {
            List<NewContact> chunk = contacts.subList(from, Math.min(contacts.size(), from + perTransaction));
            if (chunk.size() < 2) {
                continue; // one alone is resolve()'s ordinary case
            }
            Map<String, Customer> customers = new LinkedHashMap<>();
            List<TransactWriteItem> items = new ArrayList<>();
            for (NewContact contact : chunk) {
                Customer customer = newCustomer(contact.identity(), contact.profileName(), contact.source(), contact.at());
                if (contact.openingEntryId() != null) {
                    customer = new Customer(customer.id(), customer.displayName(), customer.identities(), customer.createdAt(),
                            customer.source(), new OpenConversation(ConversationPolicy.newConversationId(contact.openingEntryId()),
                            contact.at()));
                }
                if (customers.putIfAbsent(contact.identity().key(), customer) == null) {
                    items.addAll(creation(contact.identity(), customer));
                }
            }
            try {
                dynamoDb.transactWriteItems(TransactWriteItemsRequest.builder().transactItems(items).build());
                customers.forEach((identityKey, customer) -> customerIdByIdentity.put(identityKey, customer.id()));
                created.putAll(customers);
            } catch (TransactionCanceledException claimedMeanwhile) {
                // Nothing of this chunk was written; resolve() sorts out each contact, winners included.
            }
        }
        return created;
    }

    /**
     * Two batched, consistent reads for a whole webhook: the identities not cached yet, then the customer records
     * of all that are claimed. A sender seen before in this container costs no identity read.
     */
    @Override
    public Lookup lookup(Collection<Identity> identities) {
        Map<String, String> customerIds = new HashMap<>();
        List<Map<String, AttributeValue>> toRead = new ArrayList<>();
        for (Identity identity : identities) {
            String cached = customerIdByIdentity.get(identity.key());
            if (cached != null) {
                customerIds.put(identity.key(), cached);
            } else {
                toRead.add(Map.of(IDENTITY, LogItems.s(identity.key())));
            }
        }
        Set<String> unclaimed = new HashSet<>();
        if (!toRead.isEmpty()) {
            Set<String> claimed = new HashSet<>();
            for (Map<String, AttributeValue> item : BatchReads.get(dynamoDb, customersTable(), toRead)) {
                String identityKey = item.get(IDENTITY).s();
                String customerId = item.get(CUSTOMER_ID).s();
                customerIdByIdentity.put(identityKey, customerId);
                customerIds.put(identityKey, customerId);
                claimed.add(identityKey);
            }
            for (Map<String, AttributeValue> key : toRead) {
                String identityKey = key.get(IDENTITY).s();
                if (!claimed.contains(identityKey)) {
                    unclaimed.add(identityKey);
                }
            }
        }
        Map<String, Customer> byId = getAll(new HashSet<>(customerIds.values()));
        Map<String, Customer> customers = new HashMap<>();
        customerIds.forEach((identityKey, customerId) -> {
            Customer customer = byId.get(customerId);
            // A claimed identity whose record is not readable yet: left to resolve(), which waits for it.
            if (customer != null) {
                customers.put(identityKey, customer);
            }
        });
        return new Lookup(customers, unclaimed);
    }

    @Override
    public Map<String, Customer> getAll(Collection<String> customerIds) {
        List<Map<String, AttributeValue>> keys = new ArrayList<>();
        for (String customerId : customerIds) {
            keys.add(LogItems.key(customerId, LogItems.CUSTOMER_SK));
        }
        Map<String, Customer> found = new HashMap<>();
        for (Map<String, AttributeValue> item : BatchReads.get(dynamoDb, logTable(), keys)) {
            Customer customer = LogItems.customerFrom(item);
            // A merged-away customer is answered with its survivor, as get() does (rare: one more read each).
            found.put(customer.id(), customer.mergedInto() == null ? customer : get(customer.id()).orElse(customer));
        }
        return found;
    }

    @Override
    public Optional<Customer> find(Identity identity) {
        return customerIdOf(identity).flatMap(this::get);
    }

    @Override
    public Optional<Customer> get(String customerId) {
        return follow(record(customerId));
    }

    /** The customer, or the survivor it was merged into. */
    private Optional<Customer> follow(Optional<Customer> stored) {
        Optional<Customer> customer = stored;
        String customerId = stored.map(Customer::id).orElse(null);
        // A merge only ever points a customer that is not merged at one that is not merged either (both conditions
        // hold in its transaction), so a chain cannot loop; the bound guards against a hand-edited table.
        for (int hops = 0; customer.isPresent() && customer.get().mergedInto() != null; hops++) {
            if (hops == MAX_MERGE_HOPS) {
                throw new IllegalStateException("customer " + customerId + " is merged more than "
                        + MAX_MERGE_HOPS + " times over");
            }
            customer = record(customer.get().mergedInto());
        }
        return customer;
    }

    /** The customer record as stored, merged or not. */
    private Optional<Customer> record(String customerId) {
        Map<String, AttributeValue> item = dynamoDb.getItem(GetItemRequest.builder().tableName(logTable())
                .key(LogItems.key(customerId, LogItems.CUSTOMER_SK)).consistentRead(true).build()).item();
        return item == null || item.isEmpty() ? Optional.empty() : Optional.of(LogItems.customerFrom(item));
    }

    /**
     * One TransactWriteItems: the other record gains mergedInto, the survivor gains its identities and its id (and
     * those merged into it before, whose records point on at the survivor), and each of its identity items points at
     * the survivor. Every part is
     * conditioned on what was read, so a racing merge, link or first contact cancels it and it is decided again.
     * Nothing is copied: the survivor's timeline reads the other's partition. A webhook that resolved the other
     * customer just before the merge appends to the other's partition, which the survivor's timeline reads too.
     */
    @Override
    public MergeOutcome merge(String survivorId, String fromId, Instant at) {
        if (survivorId.equals(fromId)) {
            throw new IllegalArgumentException("a customer cannot be merged into itself");
        }
        for (int attempt = 1; ; attempt++) {
            Optional<Customer> survivorRecord = record(survivorId);
            Optional<Customer> fromRecord = record(fromId);
            if (survivorRecord.isEmpty()) {
                return new MergeOutcome.Unknown(survivorId);
            }
            if (fromRecord.isEmpty()) {
                return new MergeOutcome.Unknown(fromId);
            }
            Customer survivor = survivorRecord.get();
            Customer from = fromRecord.get();
            if (survivorId.equals(from.mergedInto())) {
                return new MergeOutcome.Merged(get(survivorId).orElse(survivor), false);
            }
            if (survivor.mergedInto() != null) {
                return new MergeOutcome.SurvivorMergedAway(get(survivorId).map(Customer::id).orElse(survivor.mergedInto()));
            }
            if (from.mergedInto() != null) {
                return new MergeOutcome.AlreadyMerged(from.mergedInto());
            }
            int moved = from.identities().size() + from.merged().size();
            if (2 + moved > MAX_TRANSACTION_ITEMS) {
                return new MergeOutcome.TooManyIdentities(moved, MAX_TRANSACTION_ITEMS - 2);
            }
            List<String> mergedIds = new java.util.ArrayList<>();
            mergedIds.add(fromId);
            mergedIds.addAll(from.merged());
            try {
                dynamoDb.transactWriteItems(TransactWriteItemsRequest.builder()
                        .transactItems(mergeWrites(survivor, from, mergedIds, at)).build());
            } catch (TransactionCanceledException cancelled) {
                // A condition failed (the records changed since read) or another transaction holds an item: read
                // again and decide again.
                Transactions.pauseOrGiveUp(attempt, "customer merge");
                continue;
            }
            from.identities().forEach(key -> customerIdByIdentity.put(key, survivorId));
            List<String> identities = new java.util.ArrayList<>(survivor.identities());
            identities.addAll(from.identities());
            List<String> merged = new java.util.ArrayList<>(survivor.merged());
            merged.addAll(mergedIds);
            return new MergeOutcome.Merged(new Customer(survivor.id(), survivor.displayName(), identities,
                    survivor.createdAt(), survivor.source(), survivor.openConversation(), null, merged), true);
        }
    }

    private List<TransactWriteItem> mergeWrites(Customer survivor, Customer from, List<String> mergedIds, Instant at) {
        List<TransactWriteItem> writes = new java.util.ArrayList<>();
        Map<String, String> names = Map.of("#sk", LogItems.SK, "#mergedInto", LogItems.MERGED_INTO,
                "#mergedAt", LogItems.MERGED_AT, "#identities", LogItems.IDENTITIES);
        writes.add(TransactWriteItem.builder().update(Update.builder().tableName(logTable())
                .key(LogItems.key(from.id(), LogItems.CUSTOMER_SK))
                .updateExpression("SET #mergedInto = :survivor, #mergedAt = :at")
                // Its identities as read: an identity linked meanwhile would otherwise stay behind.
                .conditionExpression("attribute_exists(#sk) AND attribute_not_exists(#mergedInto)"
                        + " AND size(#identities) = :count")
                .expressionAttributeNames(names)
                .expressionAttributeValues(Map.of(":survivor", LogItems.s(survivor.id()),
                        ":at", LogItems.s(LogItems.time(at)), ":count", LogItems.n(from.identities().size())))
                .build()).build());
        writes.add(TransactWriteItem.builder().update(Update.builder().tableName(logTable())
                .key(LogItems.key(survivor.id(), LogItems.CUSTOMER_SK))
                .updateExpression("SET #identities = list_append(#identities, :identities),"
                        + " #merged = list_append(if_not_exists(#merged, :none), :merged)")
                .conditionExpression("attribute_exists(#sk) AND attribute_not_exists(#mergedInto)")
                .expressionAttributeNames(Map.of("#sk", LogItems.SK, "#mergedInto", LogItems.MERGED_INTO,
                        "#identities", LogItems.IDENTITIES, "#merged", LogItems.MERGED))
                .expressionAttributeValues(Map.of(
                        ":identities", AttributeValue.fromL(from.identities().stream().map(LogItems::s).toList()),
                        ":merged", AttributeValue.fromL(mergedIds.stream().map(LogItems::s).toList()),
                        ":none", AttributeValue.fromL(List.of())))
                .build()).build());
        // Customers merged into the other one before point on at the survivor directly, so that no chain of merges
        // ever grows past one hop (get() follows at most MAX_MERGE_HOPS).
        for (String earlier : from.merged()) {
            writes.add(TransactWriteItem.builder().update(Update.builder().tableName(logTable())
                    .key(LogItems.key(earlier, LogItems.CUSTOMER_SK))
                    .updateExpression("SET #mergedInto = :survivor")
                    .conditionExpression("#mergedInto = :from")
                    .expressionAttributeNames(Map.of("#mergedInto", LogItems.MERGED_INTO))
                    .expressionAttributeValues(Map.of(":survivor", LogItems.s(survivor.id()), ":from", LogItems.s(from.id())))
                    .build()).build());
        }
        for (String identity : from.identities()) {
            writes.add(TransactWriteItem.builder().update(Update.builder().tableName(customersTable())
                    .key(Map.of(IDENTITY, LogItems.s(identity)))
                    .updateExpression("SET #customerId = :survivor")
                    .conditionExpression("#customerId = :from")
                    .expressionAttributeNames(Map.of("#customerId", CUSTOMER_ID))
                    .expressionAttributeValues(Map.of(":survivor", LogItems.s(survivor.id()), ":from", LogItems.s(from.id())))
                    .build()).build());
        }
        return writes;
    }

    @Override
    public String link(Customer target, Identity added, Instant at) {
        Customer customer = target;
        if (customer.identities().contains(added.key())) {
            return customer.id();
        }
        for (int attempt = 1; ; attempt++) {
            try {
                dynamoDb.transactWriteItems(TransactWriteItemsRequest.builder().transactItems(
                        TransactWriteItem.builder().put(Put.builder().tableName(customersTable())
                                .item(identityItem(added, customer.id(), at))
                                .conditionExpression("attribute_not_exists(#identity)")
                                .expressionAttributeNames(Map.of("#identity", IDENTITY)).build()).build(),
                        TransactWriteItem.builder().update(Update.builder().tableName(logTable())
                                .key(LogItems.key(customer.id(), LogItems.CUSTOMER_SK))
                                .updateExpression("SET #identities = list_append(#identities, :added)")
                                // Not onto a customer merged away meanwhile: the identity goes to its survivor.
                                .conditionExpression("attribute_exists(#sk) AND attribute_not_exists(#mergedInto)")
                                .expressionAttributeNames(Map.of("#identities", LogItems.IDENTITIES, "#sk", LogItems.SK,
                                        "#mergedInto", LogItems.MERGED_INTO))
                                .expressionAttributeValues(Map.of(":added",
                                        AttributeValue.fromL(List.of(LogItems.s(added.key())))))
                                .build()).build()
                ).build());
                customerIdByIdentity.put(added.key(), customer.id());
                return customer.id();
            } catch (TransactionCanceledException cancelled) {
                if (Transactions.conditionFailed(cancelled, 0)) {
                    return customerIdOf(added).flatMap(this::get).map(Customer::id).orElseThrow();
                }
                if (Transactions.conditionFailed(cancelled, 1)) {
                    customer = get(customer.id()).orElse(customer);
                }
                Transactions.pauseOrGiveUp(attempt, "identity link");
            }
        }
    }

    /** What an identity item says (the customer id, if claimed) and, when read with it, that customer's record. */
    private record Claim(Optional<String> customerId, Optional<Customer> record) {
        static final Claim NONE = new Claim(Optional.empty(), Optional.empty());
    }

    /**
     * The identity's customer id from the cache, or one BatchGetItem over both tables: the identity item and the
     * record of the customer derived from the identity ({@link #customerIdFor}), which is the one it points at
     * unless it was linked or merged. So a known customer costs one read in a fresh container, as in a warm one.
     */
    private Claim claimOf(Identity identity) {
        String cached = customerIdByIdentity.get(identity.key());
        if (cached != null) {
            return new Claim(Optional.of(cached), Optional.empty());
        }
        String guess = customerIdFor(identity);
        Map<String, KeysAndAttributes> keys = new LinkedHashMap<>();
        keys.put(customersTable(), KeysAndAttributes.builder().consistentRead(true)
                .keys(Map.of(IDENTITY, LogItems.s(identity.key()))).build());
        keys.put(logTable(), KeysAndAttributes.builder().consistentRead(true)
                .keys(LogItems.key(guess, LogItems.CUSTOMER_SK)).build());
        BatchGetItemResponse response = dynamoDb.batchGetItem(b -> b.requestItems(keys));
        if (response.hasUnprocessedKeys() && !response.unprocessedKeys().isEmpty()) {
            // Throttled: read the plain way (the identity first), which retries on its own.
            return new Claim(customerIdOf(identity), Optional.empty());
        }
        List<Map<String, AttributeValue>> identities = response.responses().getOrDefault(customersTable(), List.of());
        if (identities.isEmpty()) {
            return Claim.NONE;
        }
        String customerId = identities.get(0).get(CUSTOMER_ID).s();
        customerIdByIdentity.put(identity.key(), customerId);
        List<Map<String, AttributeValue>> records = response.responses().getOrDefault(logTable(), List.of());
        Optional<Customer> record = customerId.equals(guess) && !records.isEmpty()
                ? Optional.of(LogItems.customerFrom(records.get(0))) : Optional.empty();
        return new Claim(Optional.of(customerId), record);
    }

    private Optional<String> customerIdOf(Identity identity) {
        String cached = customerIdByIdentity.get(identity.key());
        if (cached != null) {
            return Optional.of(cached);
        }
        Map<String, AttributeValue> item = dynamoDb.getItem(GetItemRequest.builder().tableName(customersTable())
                .key(Map.of(IDENTITY, LogItems.s(identity.key()))).consistentRead(true).build()).item();
        if (item == null || item.isEmpty()) {
            return Optional.empty();
        }
        String customerId = item.get(CUSTOMER_ID).s();
        customerIdByIdentity.put(identity.key(), customerId);
        return Optional.of(customerId);
    }

    private Customer fillDisplayName(Customer customer, String profileName) {
        if (customer.hasDisplayName() || blankToNull(profileName) == null) {
            return customer;
        }
        try {
            dynamoDb.updateItem(UpdateItemRequest.builder().tableName(logTable())
                    .key(LogItems.key(customer.id(), LogItems.CUSTOMER_SK))
                    .updateExpression("SET #name = :name")
                    .conditionExpression("attribute_exists(#sk) AND attribute_not_exists(#name)")
                    .expressionAttributeNames(Map.of("#name", LogItems.DISPLAY_NAME, "#sk", LogItems.SK))
                    .expressionAttributeValues(Map.of(":name", LogItems.s(profileName.trim())))
                    .build());
            return customer.withDisplayName(profileName.trim());
        } catch (ConditionalCheckFailedException nameSetMeanwhile) {
            return get(customer.id()).orElse(customer);
        }
    }

    private static Map<String, AttributeValue> identityItem(Identity identity, String customerId, Instant at) {
        return Map.of(IDENTITY, LogItems.s(identity.key()), CUSTOMER_ID, LogItems.s(customerId),
                CREATED_AT, LogItems.s(LogItems.time(at)));
    }

    private static String blankToNull(String text) {
        return text == null || text.isBlank() ? null : text.trim();
    }
}
