package io.switchboard.messenger;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import io.micronaut.context.ApplicationContextBuilder;
import io.switchboard.core.config.Secrets;
import io.switchboard.core.config.Settings;
import io.switchboard.core.directory.CustomerDirectory;
import io.switchboard.core.http.Responses;
import io.switchboard.core.http.WebhookException;
import io.switchboard.core.http.WebhookHandler;
import io.switchboard.core.http.WebhookRequest;
import io.switchboard.core.ingest.Interaction;
import io.switchboard.core.ingest.InteractionRecorder;
import io.switchboard.core.security.HubChallenge;
import io.switchboard.core.security.HubSignature;
import jakarta.inject.Inject;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Messenger Platform webhooks for Facebook Pages ({@code /webhooks/messenger}) and Instagram professional
 * accounts ({@code /webhooks/instagram}): the GET subscription handshake, and POSTed events authenticated by
 * {@code X-Hub-Signature-256} over the raw body with that product's own app secret before anything is parsed,
 * then handed to the core. Meta retries a delivery that is not answered 200, so the answer is given only after
 * the batch is stored.
 * https://developers.facebook.com/documentation/business-messaging/messenger-platform/webhooks
 */
public class MessengerWebhookHandler extends WebhookHandler {

    /** Optional: a Page access token; when set, new customers' names are fetched from the Graph API. */
    public static final String PAGE_ACCESS_TOKEN = "MESSENGER_PAGE_ACCESS_TOKEN";
    /** Optional: the Graph API base URL (version included). */
    public static final String GRAPH_API_BASE_URL = "GRAPH_API_BASE_URL";
    public static final String DEFAULT_GRAPH_API_BASE_URL = "https://graph.facebook.com/v21.0";
    /**
     * Optional: milliseconds the profile lookups of one webhook may take in total (default 900, so the answer to
     * Meta stays within a second). A lookup still unanswered then is abandoned and the name left empty.
     */
    public static final String PROFILE_LOOKUP_BUDGET_MS = "PROFILE_LOOKUP_BUDGET_MS";
    /** A longer budget is cut to this, so no setting can hold the answer to Meta for long. */
    static final Duration MAX_PROFILE_LOOKUP_BUDGET = Duration.ofSeconds(30);

    private static final Logger LOG = LoggerFactory.getLogger(MessengerWebhookHandler.class);

    /** Parsed and verified once at init so the hot path's classes are loaded (and in a SnapStart snapshot). */
    private static final byte[] PRIMING_BODY = ("{\"object\":\"page\",\"entry\":[{\"id\":\"0\",\"time\":1763805600000,"
            + "\"messaging\":[{\"sender\":{\"id\":\"1\"},\"recipient\":{\"id\":\"0\"},\"timestamp\":1763805600000,"
            + "\"message\":{\"mid\":\"m_priming\",\"text\":\"priming\"}}]}]}").getBytes(StandardCharsets.UTF_8);

    @Inject
    InteractionRecorder recorder;

    @Inject
    Secrets secrets;

    @Inject
    Settings settings;

    @Inject
    CustomerDirectory directory;

    private final MessengerPayloadParser parser = new MessengerPayloadParser();
    private volatile HttpClient graphClient;

    /** For Lambda: configuration from the environment. */
    public MessengerWebhookHandler() {
        super();
        prime();
    }

    /** For the local cloud and tests: settings and collaborators come from the builder. */
    public MessengerWebhookHandler(ApplicationContextBuilder builder) {
        super(builder);
        prime();
    }

    private void prime() {
        HubSignature.isValid(HubSignature.sign(PRIMING_BODY, "priming"), PRIMING_BODY, "priming");
        parser.parse(Platform.MESSENGER, PRIMING_BODY);
    }

    @Override
    protected APIGatewayV2HTTPResponse handle(WebhookRequest request) {
        Platform platform = Platform.forPath(request.path());
        if (platform == null) {
            throw new WebhookException(404, "no such webhook");
        }
        switch (request.method()) {
            case "GET":
                return HubChallenge.answer(request, secrets.require(platform.verifyTokenName()));
            case "POST":
                return receive(platform, request);
            default:
                throw new WebhookException(405, "method not allowed");
        }
    }

    private APIGatewayV2HTTPResponse receive(Platform platform, WebhookRequest request) {
        // Each product has its own app secret: a body signed for the other path (or for WhatsApp) is refused.
        String appSecret = secrets.require(platform.appSecretName());
        String signature = request.header(HubSignature.HEADER).orElse("");
        if (signature.isBlank()) {
            throw WebhookException.unauthorized("missing signature");
        }
        // Over the bytes as received: Meta signs its own serialisation, which re-serialised JSON would not match.
        // https://developers.facebook.com/docs/graph-api/webhooks/getting-started#validate-payloads
        if (!HubSignature.isValid(signature, request.body(), appSecret)) {
            throw WebhookException.unauthorized("invalid signature");
        }
        List<Interaction> interactions = parser.parse(platform, request.body());
        InteractionRecorder.Summary summary = recorder.record(interactions);
        LOG.info("{} webhook: {} interactions, {}", platform.channel().wireName(), interactions.size(), summary);
        if (!summary.newCustomers.isEmpty()) {
            enrich(summary.newCustomers);
        }
        return Responses.text(200, "EVENT_RECEIVED");
    }

    private void enrich(List<io.switchboard.core.model.Identity> newCustomers) {
        Optional<String> token;
        try {
            token = secrets.get(PAGE_ACCESS_TOKEN);
        } catch (RuntimeException unreadable) {
            LOG.warn("page access token unreadable ({}); profile names skipped", unreadable.getClass().getSimpleName());
            return;
        }
        if (token.isEmpty()) {
            return;
        }
        String baseUrl = settings.get(GRAPH_API_BASE_URL).orElse(DEFAULT_GRAPH_API_BASE_URL);
        Duration budget = profileLookupBudget();
        ProfileEnricher.Outcome outcome = new ProfileEnricher(graphClient(budget), baseUrl, token.get(), directory, budget)
                .enrich(newCustomers, Instant.now());
        LOG.info("profile lookups: {} named, {} without a name, {} abandoned after {} ms", outcome.named(),
                outcome.unnamed(), outcome.abandoned(), budget.toMillis());
    }

    /**
     * {@link #PROFILE_LOOKUP_BUDGET_MS} (at most {@link #MAX_PROFILE_LOOKUP_BUDGET}), or the default when it is unset
     * or not a positive number of milliseconds.
     */
    Duration profileLookupBudget() {
        Optional<String> configured = settings.get(PROFILE_LOOKUP_BUDGET_MS);
        if (configured.isEmpty()) {
            return ProfileEnricher.DEFAULT_BUDGET;
        }
        try {
            long millis = Long.parseLong(configured.get().trim());
            if (millis > 0) {
                return Duration.ofMillis(Math.min(millis, MAX_PROFILE_LOOKUP_BUDGET.toMillis()));
            }
        } catch (NumberFormatException notANumber) {
            // falls through: a nicety's misconfiguration must not fail the webhook
        }
        LOG.warn("{} is not a positive number of milliseconds; {} ms used", PROFILE_LOOKUP_BUDGET_MS,
                ProfileEnricher.DEFAULT_BUDGET.toMillis());
        return ProfileEnricher.DEFAULT_BUDGET;
    }

    /** Built on first use: deployments without a page token never pay for it. */
    private HttpClient graphClient(Duration connectTimeout) {
        HttpClient client = graphClient;
        if (client == null) {
            synchronized (this) {
                client = graphClient;
                if (client == null) {
                    client = ProfileEnricher.newClient(connectTimeout);
                    graphClient = client;
                }
            }
        }
        return client;
    }
}
