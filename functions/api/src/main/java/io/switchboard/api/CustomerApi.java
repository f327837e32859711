package io.switchboard.api;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.micronaut.context.BeanProvider;
import io.switchboard.core.config.Settings;
import io.switchboard.core.directory.CustomerDirectory;
import io.switchboard.core.events.ChangeEvents;
import io.switchboard.core.http.Faults;
import io.switchboard.core.http.Responses;
import io.switchboard.core.http.WebhookException;
import io.switchboard.core.http.WebhookRequest;
import io.switchboard.core.json.Json;
import io.switchboard.core.log.ConversationLog;
import io.switchboard.core.log.MergedTimeline;
import io.switchboard.core.media.S3Presigner;
import io.switchboard.core.model.Attachment;
import io.switchboard.core.model.AttachmentStatus;
import io.switchboard.core.model.Channel;
import io.switchboard.core.model.ConversationEntry;
import io.switchboard.core.model.Customer;
import io.switchboard.core.model.CustomerIds;
import io.switchboard.core.model.Identity;
import io.switchboard.core.model.RejectedInputException;
import io.switchboard.core.model.Times;
import io.switchboard.core.outbound.CommandLedger;
import io.switchboard.core.outbound.CommandRejection;
import io.switchboard.core.outbound.ReplyEngine;
import io.switchboard.core.outbound.ReplySender;
import io.switchboard.core.outbound.SendCommand;
import io.switchboard.core.security.Hmac;
import io.switchboard.core.store.StoreFault;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkException;

/**
 * The customer API's routes (docs/api/openapi.yaml), dispatched on API Gateway's route key, so that a route exists
 * here exactly when template.yaml declares it. Bad input is a 4xx problem document and reads or writes nothing;
 * a store or queue fault is 503; one log line per request says what happened, without personal data.
 */
@Singleton
class CustomerApi {

    /** Local only: the bearer token every request must carry. On AWS, API Gateway checks SigV4 (AWS_IAM). */
    static final String API_TOKEN = "SWITCHBOARD_API_TOKEN";
    static final int DEFAULT_LIMIT = 50;
    static final int MAX_LIMIT = 200;
    /** A send command is small; SQS takes 256 KiB, and the outbound function reads the whole body. */
    static final int MAX_BODY_BYTES = 64 * 1024;
    private static final Logger LOG = LoggerFactory.getLogger(CustomerApi.class);
    private static final Pattern LIMIT_DIGITS = Pattern.compile("[0-9]{1,4}");
    /** What SQS takes as a MessageDeduplicationId: 1 to 128 printable ASCII characters, no space. */
    private static final Pattern COMMAND_ID = Pattern.compile("[\\x21-\\x7e]{1,128}");
    /** The media bucket's name (template.yaml). */
    static final String MEDIA_BUCKET = "MEDIA_BUCKET";
    /** How long a download's presigned URL works, in seconds (template.yaml's MediaUrlLifetimeSeconds). */
    static final String MEDIA_URL_LIFETIME = "MEDIA_URL_LIFETIME_SECONDS";
    static final long DEFAULT_MEDIA_URL_LIFETIME_SECONDS = 300;
    private static final Pattern INDEX_DIGITS = Pattern.compile("[0-9]{1,4}");
    /** The log's entry ids are "e" and 32 hex digits; this is lenient, but bounded as a store key must be. */
    private static final Pattern ENTRY_ID = Pattern.compile("[A-Za-z0-9._:-]{1,200}");
    private static final String OPENAPI = "/io/switchboard/api/openapi.yaml";
    /** Commands travel as ASCII: SQS refuses some characters a JSON string may hold (lone surrogates). */
    private static final ObjectWriter ASCII_JSON = Json.MAPPER.writer().with(JsonWriteFeature.ESCAPE_NON_ASCII);

    private final CustomerDirectory directory;
    private final ConversationLog log;
    private final TimelineCursor cursors;
    private final CommandQueue commands;
    private final CommandLedger ledger;
    private final BeanProvider<ReplySender> senders;
    private final Settings settings;
    private final Clock clock;
    private volatile String openApi;
    private volatile S3Presigner presigner;

    CustomerApi(CustomerDirectory directory, ConversationLog log, TimelineCursor cursors, CommandQueue commands,
                CommandLedger ledger, BeanProvider<ReplySender> senders, Settings settings, Clock clock) {
        this.directory = directory;
        this.log = log;
        this.cursors = cursors;
        this.commands = commands;
        this.ledger = ledger;
        this.senders = senders;
        this.settings = settings;
        this.clock = clock;
    }

    APIGatewayV2HTTPResponse handle(APIGatewayV2HTTPEvent event) {
        long started = System.nanoTime();
        String route = event.getRouteKey() == null ? "?" : event.getRouteKey();
        APIGatewayV2HTTPResponse response;
        String verdict;
        try {
            response = route(event, route);
            verdict = "ok";
        } catch (ApiProblem problem) {
            response = problem.response();
            verdict = problem.code();
        } catch (WebhookException unreadable) {
            ApiProblem problem = unreadable.status() == 413 ? ApiProblem.tooLarge(unreadable.reason())
                    : ApiProblem.badRequest(unreadable.reason());
            response = problem.response();
            verdict = problem.code();
        } catch (RejectedInputException badInput) {
            response = ApiProblem.badRequest(badInput.reason()).response();
            verdict = "invalid-request";
        } catch (SdkException | StoreFault fault) {
            response = ApiProblem.unavailable().response();
            verdict = "unavailable: " + Faults.describe(fault);
        } catch (Settings.MissingSettingException misconfigured) {
            response = ApiProblem.misconfigured().response();
            verdict = "misconfigured: " + misconfigured.getMessage();
        } catch (RuntimeException unexpected) {
            response = ApiProblem.internal().response();
            verdict = "unexpected fault: " + Faults.describe(unexpected);
        }
        long millis = (System.nanoTime() - started) / 1_000_000;
        if (response.getStatusCode() >= 500) {
            LOG.error("{} -> {} {} in {} ms", route, response.getStatusCode(), verdict, millis);
        } else {
            LOG.info("{} -> {} {} in {} ms", route, response.getStatusCode(), verdict, millis);
        }
        return response;
    }

    private APIGatewayV2HTTPResponse route(APIGatewayV2HTTPEvent event, String route) {
        authorize(event);
        WebhookRequest request = WebhookRequest.from(event, MAX_BODY_BYTES);
        return switch (route) {
            case "GET /v1/customers/{id}" -> json(200, customerJson(customer(customerId(event))));
            case "GET /v1/customers" -> json(200, customerJson(lookup(request)));
            case "GET /v1/customers/{id}/timeline" -> timeline(customerId(event), request);
            case "POST /v1/customers/{id}/identities" -> link(customerId(event), request);
            case "POST /v1/customers/{id}/messages" -> send(customerId(event), request);
            case "POST /v1/customers/{id}/merge" -> merge(customerId(event), request);
            case "GET /v1/customers/{id}/entries/{entryId}/attachments/{n}" -> download(customerId(event), event);
            case "GET /v1/openapi.yaml" -> Responses.of(200, "application/yaml; charset=utf-8", openApi());
            // API Gateway invokes the function for the routes template.yaml gives it, and only for those.
            default -> throw ApiProblem.notFound("no route " + route + " on the customer API");
        };
    }

    // ------------------------------------------------------------------ routes

    /** Exactly one of identity, phone, email; each normalized as ingestion normalizes it. */
    private Customer lookup(WebhookRequest request) {
        List<String> given = List.of("identity", "phone", "email").stream()
                .filter(name -> request.queryParameter(name).filter(value -> !value.isBlank()).isPresent()).toList();
        if (given.size() != 1) {
            throw ApiProblem.badRequest("give exactly one of identity, phone, email");
        }
        String value = request.queryParameter(given.get(0)).orElseThrow();
        Identity identity = switch (given.get(0)) {
            case "phone" -> Identity.phone(value);
            case "email" -> Identity.email(value);
            default -> Identity.parse(value);
        };
        return directory.find(identity).orElseThrow(() -> ApiProblem.notFound("no customer has this identity"));
    }

    /**
     * The customer record (which names the customers merged into it, and for a merged id, the survivor), then one
     * Query per page per log partition: the customer's own and each merged customer's. The cursor is bound to the
     * survivor, so the timeline of a merged id and of its survivor share cursors.
     */
    private APIGatewayV2HTTPResponse timeline(String requestedId, WebhookRequest request) {
        int limit = limit(request.queryParameter("limit").orElse(null));
        Channel channel = request.queryParameter("channel").map(CustomerApi::channel).orElse(null);
        Optional<String> cursor = request.queryParameter("before");
        Customer customer = customer(requestedId);
        String customerId = customer.id();
        String after = cursor.map(given -> cursors.decode(customerId, given)).orElse(null);
        ConversationLog.TimelinePage page;
        try {
            page = MergedTimeline.page(log, customer.timelinePartitions(), channel, limit, after);
        } catch (IllegalArgumentException signedButUnreadable) {
            // Signed by this deployment, so not forged: a position of a layout this version no longer reads.
            throw ApiProblem.badRequest("before is not a cursor this API can read any more; start from the newest");
        }
        ObjectNode body = Json.MAPPER.createObjectNode();
        body.set("entries", Json.MAPPER.valueToTree(page.entries().stream()
                .map(entry -> ChangeEvents.entryData(customerId, entry)).toList()));
        if (page.next() == null) {
            body.putNull("next");
        } else {
            body.put("next", cursors.encode(customerId, page.next()));
        }
        return json(200, body);
    }

    /** 201 when linked now, 200 when it was this customer's already, 409 naming the owner otherwise. */
    private APIGatewayV2HTTPResponse link(String customerId, WebhookRequest request) {
        JsonNode body = jsonObject(request);
        JsonNode key = body.get("identity");
        if (key == null || !key.isTextual()) {
            throw ApiProblem.badRequest("the body needs \"identity\": an identity key such as email:ann@example.com");
        }
        Identity identity = Identity.parse(key.asText());
        Customer customer = customer(customerId);
        if (customer.identities().contains(identity.key())) {
            return json(200, customerJson(customer));
        }
        String owner = directory.link(customer, identity, clock.instant());
        if (!owner.equals(customer.id())) {
            throw ApiProblem.identityOwned(owner);
        }
        return json(201, customerJson(directory.get(customerId).orElse(customer)));
    }

    /**
     * The send command of docs/architecture.md "Replies", built from the body as its data: the command id is the
     * Idempotency-Key header (draft-ietf-httpapi-idempotency-key-header), else a new UUID. Validated as the outbound
     * function will read it, so a command the queue would reject is a 400 here.
     */
    private APIGatewayV2HTTPResponse send(String customerId, WebhookRequest request) {
        ObjectNode data = jsonObject(request);
        if (data.has("customerId") || data.has("to")) {
            throw ApiProblem.badRequest("the customer is the one in the path: leave out customerId and to");
        }
        Optional<String> key = idempotencyKey(request);
        boolean keyGiven = key.isPresent();
        String commandId = key.orElseGet(() -> UUID.randomUUID().toString());
        ObjectNode command = Json.MAPPER.createObjectNode()
                .put("specversion", "1.0").put("id", commandId).put("source", "/api")
                .put("type", SendCommand.TYPE).put("subject", customerId)
                .put("time", Times.rfc3339(clock.instant())).put("datacontenttype", "application/json");
        command.putObject("data").put("customerId", customerId).setAll(data);
        String body;
        try {
            body = ASCII_JSON.writeValueAsString(command);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        SendCommand parsed;
        try {
            parsed = SendCommand.parse(body);
        } catch (CommandRejection rejected) {
            throw ApiProblem.invalidCommand(rejected.code(), rejected.reason());
        }
        if (!parsed.hasContent()) {
            throw ApiProblem.invalidCommand("empty_message", "the command has no text, attachment or template");
        }
        Customer customer = customer(customerId);
        checkTextLength(parsed, customer);
        if (keyGiven) {
            claim(parsed);
        }
        commands.send(customerId, commandId, body);
        return json(202, Json.MAPPER.createObjectNode().put("commandId", commandId));
    }

    /**
     * The Idempotency-Key's contract (draft-ietf-httpapi-idempotency-key-header, "Error Scenarios"): the same key with the
     * same request is the same command (queued again, deduplicated, answered alike); the same key with another
     * request (other body or other customer) is refused with 422, and nothing is queued. The claim is one
     * conditional write, so of two racing requests exactly one wins; a command a helpdesk put on the queue with
     * that id is found in the ledger.
     */
    private void claim(SendCommand command) {
        String fingerprint = command.fingerprint();
        boolean reused = !ledger.claim(command.id(), fingerprint, clock.instant())
                || ledger.find(command.id()).map(earlier -> earlier.conflictsWith(fingerprint)).orElse(false);
        if (reused) {
            throw ApiProblem.idempotencyKeyReused();
        }
    }

    /**
     * Text over the channel's limit is refused here, as the outbound function would refuse it, when the channel is
     * known: named in the body, or the reply engine's default (the customer's latest inbound channel; read only
     * when the text is longer than some channel takes). The limits are the senders' own.
     */
    private void checkTextLength(SendCommand command, Customer customer) {
        if (command.text() == null) {
            return;
        }
        Map<Channel, Integer> limits = new HashMap<>();
        senders.stream().forEach(sender -> sender.channels().forEach(channel -> limits.put(channel, sender.maxTextLength(channel))));
        int characters = command.text().codePointCount(0, command.text().length());
        if (limits.values().stream().allMatch(limit -> characters <= limit)) {
            return;
        }
        Channel channel = command.channel() != null ? command.channel()
                : ReplyEngine.defaultChannel(log.history(customer.id(), ReplyEngine.RECENT_ENTRIES));
        if (channel != null && limits.containsKey(channel)) {
            try {
                ReplyEngine.checkTextLength(command.text(), channel, limits.get(channel));
            } catch (CommandRejection tooLong) {
                throw ApiProblem.invalidCommand(tooLong.code(), tooLong.reason());
            }
        }
    }

    /**
     * Merges {@code from} into the customer in the path (docs/architecture.md "The customer API"). 200 with the survivor, also
     * when this merge was done before (nothing is written again, nothing announced again); 409 for a self-merge, a
     * survivor that was merged away (naming where it went), a {@code from} merged into someone else, or more
     * identities than one transaction repoints.
     */
    private APIGatewayV2HTTPResponse merge(String customerId, WebhookRequest request) {
        JsonNode body = jsonObject(request);
        JsonNode from = body.get("from");
        String fromId = from == null || !from.isTextual() ? null : CustomerIds.normalize(from.asText());
        if (fromId == null) {
            throw ApiProblem.badRequest("the body needs \"from\": the id (a UUID) of the customer to merge into this one");
        }
        if (fromId.equals(customerId)) {
            throw ApiProblem.mergeConflict("a customer cannot be merged into itself", null);
        }
        CustomerDirectory.MergeOutcome outcome = directory.merge(customerId, fromId, clock.instant());
        if (outcome instanceof CustomerDirectory.MergeOutcome.Merged merged) {
            return json(200, customerJson(merged.survivor()));
        }
        if (outcome instanceof CustomerDirectory.MergeOutcome.Unknown unknown) {
            throw ApiProblem.notFound("no customer " + unknown.customerId());
        }
        if (outcome instanceof CustomerDirectory.MergeOutcome.SurvivorMergedAway away) {
            throw ApiProblem.mergeConflict("customer " + customerId + " was merged into " + away.into()
                    + "; merge into that one", away.into());
        }
        if (outcome instanceof CustomerDirectory.MergeOutcome.AlreadyMerged already) {
            throw ApiProblem.mergeConflict("customer " + fromId + " was merged into " + already.into() + " already",
                    already.into());
        }
        CustomerDirectory.MergeOutcome.TooManyIdentities tooMany = (CustomerDirectory.MergeOutcome.TooManyIdentities) outcome;
        throw ApiProblem.mergeConflict("too many identities to merge in one step: " + tooMany.identities()
                + " identities and earlier merges to repoint, at most " + tooMany.max(), null);
    }

    /**
     * A stored attachment: 302 to a presigned GET of its object in the media bucket (docs/architecture.md "Media"),
     * valid for {@value #MEDIA_URL_LIFETIME} seconds (default {@value #DEFAULT_MEDIA_URL_LIFETIME_SECONDS}), served
     * with its sniffed contentType and as a download under its file name. The entry is looked for in every log
     * partition of the customer (as the timeline reads them), so a merged id and the survivor's both work. 404 for
     * an unknown customer, entry or index; 409 naming the state when it is not stored (yet).
     */
    private APIGatewayV2HTTPResponse download(String requestedId, APIGatewayV2HTTPEvent event) {
        Map<String, String> parameters = event.getPathParameters();
        String entryId = parameters.get("entryId");
        String n = parameters.get("n");
        if (n == null || !INDEX_DIGITS.matcher(n).matches()) {
            throw ApiProblem.badRequest("the attachment index is a whole number from 0, in ASCII digits");
        }
        int index = Integer.parseInt(n);
        if (entryId == null || !ENTRY_ID.matcher(entryId).matches()) {
            // Not an id the log gives out (and longer than a store key may be): no such entry, without a read.
            throw ApiProblem.notFound("no entry " + entryId + " in this customer's timeline");
        }
        Customer customer = customer(requestedId);
        ConversationEntry entry = null;
        for (String partition : customer.timelinePartitions()) {
            entry = log.find(partition, entryId).orElse(null);
            if (entry != null) {
                break;
            }
        }
        if (entry == null) {
            throw ApiProblem.notFound("no entry " + entryId + " in this customer's timeline");
        }
        if (index >= entry.attachments().size()) {
            throw ApiProblem.notFound("entry " + entryId + " has " + entry.attachments().size() + " attachments (from 0)");
        }
        Attachment attachment = entry.attachments().get(index);
        if (attachment.status() != AttachmentStatus.STORED) {
            throw ApiProblem.notStored(attachment.status().wireName(), attachment.reason());
        }
        String bucket = settings.require(MEDIA_BUCKET);
        Duration lifetime = Duration.ofSeconds(settings.get(MEDIA_URL_LIFETIME).map(Long::parseLong)
                .orElse(DEFAULT_MEDIA_URL_LIFETIME_SECONDS));
        Map<String, String> overrides = new LinkedHashMap<>();
        overrides.put("response-content-disposition", Downloads.contentDisposition(attachment, index));
        if (attachment.contentType() != null) {
            overrides.put("response-content-type", attachment.contentType());
        }
        URI location = presigner().presignGet(bucket, attachment.objectKey(), clock.instant(), lifetime, overrides);
        APIGatewayV2HTTPResponse response = APIGatewayV2HTTPResponse.builder()
                .withStatusCode(302)
                // The URL is a credential for a while: no cache keeps it.
                .withHeaders(Map.of("location", location.toString(), "cache-control", "no-store"))
                .withIsBase64Encoded(false)
                .build();
        return response;
    }

    private S3Presigner presigner() {
        S3Presigner current = presigner;
        if (current == null) {
            current = S3Presigner.forFunctions(settings);
            presigner = current;
        }
        return current;
    }

    private String openApi() {
        String document = openApi;
        if (document == null) {
            try (InputStream in = CustomerApi.class.getResourceAsStream(OPENAPI)) {
                if (in == null) {
                    throw new IllegalStateException("the jar has no " + OPENAPI);
                }
                document = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new IllegalStateException("cannot read " + OPENAPI, e);
            }
            openApi = document;
        }
        return document;
    }

    // ------------------------------------------------------------------ input

    /**
     * Locally, with {@value #API_TOKEN} set: {@code Authorization: Bearer <token>} (RFC 6750 section 2.1). Compared
     * as SHA-256 digests in constant time, so neither the token's content nor its length leaks through timing.
     */
    private void authorize(APIGatewayV2HTTPEvent event) {
        Optional<String> token = settings.get(API_TOKEN);
        if (token.isEmpty()) {
            return;
        }
        Optional<String> authorization = event.getHeaders() == null ? Optional.empty()
                : event.getHeaders().entrySet().stream().filter(header -> header.getKey().equalsIgnoreCase("Authorization"))
                .map(Map.Entry::getValue).findFirst();
        String given = authorization.filter(value -> value.regionMatches(true, 0, "Bearer ", 0, 7))
                .map(value -> value.substring(7).strip()).orElse(null);
        if (given == null || !Hmac.equal(sha256(token.get()), sha256(given))) {
            throw ApiProblem.unauthorized(authorization.isPresent());
        }
    }

    private static byte[] sha256(String text) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is always present", e);
        }
    }

    private static String customerId(APIGatewayV2HTTPEvent event) {
        Map<String, String> parameters = event.getPathParameters();
        String id = parameters == null ? null : CustomerIds.normalize(parameters.get("id"));
        if (id == null) {
            throw ApiProblem.badRequest("a customer id is a UUID, e.g. 4c1d2a3e-0f5b-4e7a-9c8d-1a2b3c4d5e6f");
        }
        return id;
    }

    private Customer customer(String customerId) {
        return directory.get(customerId).orElseThrow(() -> ApiProblem.notFound("no customer " + customerId));
    }

    private static int limit(String text) {
        if (text == null) {
            return DEFAULT_LIMIT;
        }
        // ASCII digits only: Integer.parseInt would also take other scripts' digits (full-width 2) and a sign.
        if (LIMIT_DIGITS.matcher(text).matches()) {
            int limit = Integer.parseInt(text);
            if (limit >= 1 && limit <= MAX_LIMIT) {
                return limit;
            }
        }
        throw ApiProblem.badRequest("limit is a whole number from 1 to " + MAX_LIMIT + ", in ASCII digits");
    }

    private static Channel channel(String name) {
        try {
            return Channel.fromWire(name.strip().toLowerCase(Locale.ROOT));
        } catch (IllegalArgumentException unknown) {
            throw ApiProblem.badRequest("channel is one of " + String.join(", ",
                    Channel.values().stream().map(Channel::wireName).toList()));
        }
    }

    /** The header's value; a Structured Field string ({@code "abc"}) as the draft writes it, or the bare token. */
    private static Optional<String> idempotencyKey(WebhookRequest request) {
        return request.header("Idempotency-Key").map(value -> {
            String key = value.strip();
            if (key.length() >= 2 && key.startsWith("\"") && key.endsWith("\"")) {
                key = key.substring(1, key.length() - 1);
            }
            if (!COMMAND_ID.matcher(key).matches()) {
                throw ApiProblem.badRequest("Idempotency-Key is 1 to 128 printable ASCII characters without spaces");
            }
            return key;
        });
    }

    private static ObjectNode jsonObject(WebhookRequest request) {
        JsonNode body;
        try {
            body = Json.MAPPER.readTree(request.body());
        } catch (IOException notJson) {
            throw ApiProblem.badRequest("the body is not JSON");
        }
        if (body == null || !body.isObject()) {
            throw ApiProblem.badRequest("the body is not a JSON object");
        }
        return (ObjectNode) body;
    }

    // ------------------------------------------------------------------ output

    private static ObjectNode customerJson(Customer customer) {
        ObjectNode node = Json.MAPPER.createObjectNode().put("id", customer.id());
        if (customer.hasDisplayName()) {
            node.put("displayName", customer.displayName());
        }
        customer.identities().forEach(node.putArray("identities")::add);
        if (customer.createdAt() != null) {
            node.put("createdAt", Times.rfc3339(customer.createdAt()));
        }
        if (customer.source() != null) {
            node.put("source", customer.source());
        }
        if (!customer.merged().isEmpty()) {
            customer.merged().forEach(node.putArray("merged")::add);
        }
        return node;
    }

    private static APIGatewayV2HTTPResponse json(int status, JsonNode body) {
        try {
            return Responses.of(status, "application/json", Json.MAPPER.writeValueAsString(body));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
