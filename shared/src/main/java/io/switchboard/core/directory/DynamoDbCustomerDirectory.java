package io.switchboard.core.directory;

import io.micronaut.context.annotation.Secondary;
import io.switchboard.core.config.Settings;
import io.switchboard.core.model.Customer;
import io.switchboard.core.model.Identity;
import io.switchboard.core.model.OpenConversation;
import io.switchboard.core.log.ConversationPolicy;
import io.switchboard.core.store.LogItems;
import io.switchboard.core.store.Transactions;
import jakarta.inject.Singleton;
import io.switchboard.core.store.BatchReads;
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
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
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
 * are cancelled, and they re-read and use the winner. An identity, once claimed, never points elsewhere, so
 * a warm container caches identity to customer id and saves a read per webhook.
 */
@Singleton
@Secondary
public class DynamoDbCustomerDirectory implements CustomerDirectory {

    static final String IDENTITY = "identity";
    static final String CUSTOMER_ID = "customerId";
    static final String CREATED_AT = "createdAt";
    private static final int CACHE_SIZE = 10_000;

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
            Optional<String> known = unclaimed && attempt == 1 ? Optional.empty() : customerIdOf(identity);
            if (known.isPresent()) {
                Optional<Customer> customer = get(known.get());
                if (customer.isPresent()) {
                    return new Resolution(fillDisplayName(customer.get(), profileName), false);
                }
                // The identity and the record are written in one transaction, but a read can still race it on
                // stores whose transactions are not isolated from single reads (some emulators): the record
                // appears a moment later. Read again, briefly, then leave it to the provider's retry (5xx).
                customerIdByIdentity.remove(identity.key());
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

    private static Customer newCustomer(Identity identity, String profileName, String source, Instant at) {
        return new Customer(UUID.randomUUID().toString(), blankToNull(profileName), List.of(identity.key()), at, source, null);
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
            found.put(customer.id(), customer);
        }
        return found;
    }

    @Override
    public Optional<Customer> find(Identity identity) {
        return customerIdOf(identity).flatMap(this::get);
    }

    @Override
    public Optional<Customer> get(String customerId) {
        Map<String, AttributeValue> item = dynamoDb.getItem(GetItemRequest.builder().tableName(logTable())
                .key(LogItems.key(customerId, LogItems.CUSTOMER_SK)).consistentRead(true).build()).item();
        return item == null || item.isEmpty() ? Optional.empty() : Optional.of(LogItems.customerFrom(item));
    }

    @Override
    public String link(Customer customer, Identity added, Instant at) {
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
                                .conditionExpression("attribute_exists(#sk)")
                                .expressionAttributeNames(Map.of("#identities", LogItems.IDENTITIES, "#sk", LogItems.SK))
                                .expressionAttributeValues(Map.of(":added",
                                        AttributeValue.fromL(List.of(LogItems.s(added.key())))))
                                .build()).build()
                ).build());
                customerIdByIdentity.put(added.key(), customer.id());
                return customer.id();
            } catch (TransactionCanceledException cancelled) {
                if (Transactions.conditionFailed(cancelled, 0)) {
                    return customerIdOf(added).orElseThrow();
                }
                Transactions.pauseOrGiveUp(attempt, "identity link");
            }
        }
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
            return new Customer(customer.id(), profileName.trim(), customer.identities(), customer.createdAt(),
                    customer.source(), customer.openConversation());
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
