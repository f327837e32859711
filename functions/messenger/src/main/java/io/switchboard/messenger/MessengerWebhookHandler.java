package io.switchboard.messenger;

import io.micronaut.context.ApplicationContextBuilder;
import io.switchboard.core.webhook.WebhookFunction;
import io.switchboard.meta.GraphApiClient;
import java.time.Duration;

/**
 * The Lambda entry point of the Messenger Platform webhooks of Facebook Pages and Instagram professional accounts
 * ({@link MessengerChannel}); each product's secret names are in {@link Platform}.
 * https://developers.facebook.com/documentation/business-messaging/messenger-platform/webhooks
 */
public class MessengerWebhookHandler extends WebhookFunction {

    /** Optional: a Page access token; when set, new customers' names are fetched from the Graph API. */
    public static final String PAGE_ACCESS_TOKEN = "MESSENGER_PAGE_ACCESS_TOKEN";
    /** Optional: the Graph API base URL (see {@link GraphApiClient#BASE_URL}). */
    public static final String GRAPH_API_BASE_URL = GraphApiClient.BASE_URL;
    public static final String DEFAULT_GRAPH_API_BASE_URL = GraphApiClient.DEFAULT_BASE_URL;
    /**
     * Optional: milliseconds the profile lookups of one webhook may take in total (default 900, so the answer to
     * Meta stays within a second). A lookup still unanswered then is abandoned and the name left empty.
     */
    public static final String PROFILE_LOOKUP_BUDGET_MS = "PROFILE_LOOKUP_BUDGET_MS";
    /** A longer budget is cut to this, so no setting can hold the answer to Meta for long. */
    static final Duration MAX_PROFILE_LOOKUP_BUDGET = Duration.ofSeconds(30);

    /** For Lambda: configuration from the environment. */
    public MessengerWebhookHandler() {
        super(MessengerChannel.class);
    }

    /** For the local cloud and tests: settings and collaborators come from the builder. */
    public MessengerWebhookHandler(ApplicationContextBuilder builder) {
        super(MessengerChannel.class, builder);
    }
}
