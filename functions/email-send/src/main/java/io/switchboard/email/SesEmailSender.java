package io.switchboard.email;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.switchboard.core.config.Settings;
import io.switchboard.core.config.SignedJsonRequest;
import io.switchboard.core.json.Json;
import io.switchboard.core.model.Attachment;
import io.switchboard.core.model.Channel;
import io.switchboard.core.model.ConversationEntry;
import io.switchboard.core.model.Customer;
import io.switchboard.core.outbound.OutboundMessage;
import io.switchboard.core.outbound.ReplyRoute;
import io.switchboard.core.outbound.ReplySender;
import io.switchboard.core.outbound.SendResult;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.UnknownHostException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;

/**
 * Replies by email through Amazon SES v2 {@code SendEmail} with raw MIME built by Jakarta Mail: From the address the
 * customer wrote to, In-Reply-To and References naming the message answered, text/plain UTF-8.
 * https://docs.aws.amazon.com/ses/latest/APIReference-V2/API_SendEmail.html
 *
 * <p>The call is one SigV4-signed REST-JSON POST ({@link SignedJsonRequest}, signing name {@code ses}), not the SES v2
 * SDK client: that client names all of the API's operations and loads every one's classes, most of a megabyte of the
 * outbound jar for the one operation sent here. {@code POST /v2/email/outbound-emails} with
 * {@code {"FromEmailAddress", "Destination": {"ToAddresses"}, "Content": {"Raw": {"Data": <base64 MIME>}}}}, answered
 * {@code {"MessageId"}}; an error is its HTTP status and its type ({@code x-amzn-ErrorType}, else the body's
 * {@code __type} or {@code code}), the operation's own (API_SendEmail.html, Errors) or a common one
 * (https://docs.aws.amazon.com/ses/latest/APIReference-V2/CommonErrors.html).
 *
 * <p>SES replaces the Message-ID of every message with its own ({@code <MessageId@email.amazonses.com>} in
 * us-east-1, {@code <MessageId@<region>.amazonses.com>} elsewhere), so the id stored for the reply is that one, in
 * the form the inbound parsers key messages by (the email module's {@code MessageIds}: without angle brackets); the
 * customer's answer, which references it, then joins the conversation.
 * https://docs.aws.amazon.com/ses/latest/dg/header-fields.html
 *
 * <p>The HTTP client is built on the first send; nothing is read or built when the sender is. A bean of the functions
 * that carry this module (the outbound function); the email webhook function does not, so its context has no sender.
 */
@Singleton
public class SesEmailSender implements ReplySender {

    /** The From of replies when the address the customer wrote to is not known. */
    public static final String SUPPORT_EMAIL_ADDRESS = "SUPPORT_EMAIL_ADDRESS";
    /**
     * Optional: the domain of the Message-ID SES gives its messages, where it is not the documented default of the
     * region (SES does not promise the form).
     */
    public static final String MESSAGE_ID_DOMAIN = "SES_MESSAGE_ID_DOMAIN";
    /** Optional setting: seconds a send may wait for SES's answer (default 10). */
    public static final String SEND_TIMEOUT_SECONDS = "SEND_TIMEOUT_SECONDS";

    /**
     * The longest reply text: what the email webhook function keeps of an email's text
     * ({@code EmailInteractions.MAX_TEXT_CHARS}; this module's tests check they agree), so a reply's entry is whole.
     */
    static final int MAX_TEXT = 64 * 1024;
    /** The endpoint setting's service name, as the SDK names SES v2 ({@code AWS_ENDPOINT_URL_SESV2}). */
    static final String ENDPOINT_SERVICE = "SESV2";
    /** https://docs.aws.amazon.com/general/latest/gr/ses.html: email.REGION.amazonaws.com. */
    static final String ENDPOINT_PREFIX = "email";
    static final String SIGNING_NAME = "ses";
    static final String SEND_EMAIL_PATH = "/v2/email/outbound-emails";
    static final String SOURCE = "/email/ses";
    static final Duration DEFAULT_SEND_TIMEOUT = Duration.ofSeconds(10);
    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);

    /**
     * SES asking to send more slowly: the send may succeed later. TooManyRequestsException (429) and
     * LimitExceededException are SendEmail's own; ThrottlingException (400) is the common error SES answers when
     * the account's sending rate or daily quota is reached
     * (https://docs.aws.amazon.com/ses/latest/dg/manage-sending-quotas-errors.html).
     */
    static final Set<String> THROTTLING = Set.of("TooManyRequestsException", "LimitExceededException",
            "ThrottlingException");

    /** SES's errors that no retry can fix, in plain words. */
    static final Map<String, String> PLAIN_REASONS = Map.of(
            "MessageRejected", "SES rejected the message (for example an unverified sender address or recipient)",
            "MailFromDomainNotVerifiedException", "the sending domain's MAIL FROM is not verified in SES",
            "AccountSuspendedException", "the SES account is suspended from sending",
            "SendingPausedException", "sending is paused for this SES account or configuration set",
            "NotFoundException", "an SES resource the message names does not exist",
            "BadRequestException", "SES refused the request as malformed");

    private final Settings settings;
    private final SdkHttpClient http;
    private volatile SignedJsonRequest ses;

    /** The bean's constructor: the function's own HTTP client. */
    @Inject
    public SesEmailSender(Settings settings) {
        this(settings, null);
    }

    /**
     * @param http the HTTP client to send through, or null for the function's own (URLConnection; connect within
     *             {@link #CONNECT_TIMEOUT}, an answer within {@link #SEND_TIMEOUT_SECONDS})
     */
    public SesEmailSender(Settings settings, SdkHttpClient http) {
        this.settings = settings;
        this.http = http;
    }

    @Override
    public Set<Channel> channels() {
        return Set.of(Channel.EMAIL);
    }

    /** An email reply continues the customer's latest thread (In-Reply-To, References, "Re:"). */
    @Override
    public boolean continuesLatestThread(Channel channel) {
        return true;
    }

    /** The longest text the inbound side keeps ({@link #MAX_TEXT}): the entry stays whole. */
    @Override
    public int maxTextLength(Channel channel) {
        return MAX_TEXT;
    }

    /**
     * To: the customer's email address. From: the address their latest email was written to (its first {@code to}),
     * else {@link #SUPPORT_EMAIL_ADDRESS}, else empty (the send is then refused).
     */
    @Override
    public Optional<ReplyRoute> route(Channel channel, Customer customer, ConversationEntry latestInbound) {
        Optional<String> address = customer.identityValue("email");
        if (address.isEmpty()) {
            return Optional.empty();
        }
        String from = latestInbound == null ? null : firstRecipient(latestInbound.details().get("to"));
        if (from == null) {
            from = settings.get(SUPPORT_EMAIL_ADDRESS).map(String::trim).orElse("");
        }
        return Optional.of(new ReplyRoute(SOURCE, from, address.get()));
    }

    @Override
    public SendResult send(OutboundMessage message) {
        if (message.route().account().isEmpty()) {
            return new SendResult.Refused("not_configured", "no address to send from: the customer's email named "
                    + "none and " + SUPPORT_EMAIL_ADDRESS + " is not set");
        }
        byte[] mime;
        try {
            mime = mime(message, Instant.now());
        } catch (MessagingException | IOException unbuildable) {
            return new SendResult.Refused("invalid_message", "the email could not be built: an address is malformed");
        }
        ObjectNode request = Json.MAPPER.createObjectNode().put("FromEmailAddress", message.route().account());
        request.putObject("Destination").putArray("ToAddresses").add(message.route().recipient());
        request.putObject("Content").putObject("Raw").put("Data", Base64.getEncoder().encodeToString(mime));
        SignedJsonRequest.Answer answer;
        try {
            answer = ses().post(SEND_EMAIL_PATH, "application/json", Map.of(), request);
        } catch (InterruptedIOException timedOut) {
            // The socket timeout: the request may have reached SES.
            return new SendResult.Unknown("no answer from SES in time: the message may have been sent");
        } catch (IOException | RuntimeException failed) {
            // Unchecked: credentials that do not resolve, or a failure the HTTP client wraps.
            return notConnected(failed)
                    ? new SendResult.Transient("could not connect to SES")
                    : new SendResult.Unknown("no answer from SES (" + failed.getClass().getSimpleName() + ")");
        }
        if (answer.ok()) {
            String messageId = answer.body().path("MessageId").asText("");
            return messageId.isEmpty()
                    ? new SendResult.Unknown("SES answered " + answer.status() + " without a MessageId")
                    : new SendResult.Sent(messageId + "@" + messageIdDomain());
        }
        String code = answer.errorCode();
        if (THROTTLING.contains(code)) {
            return new SendResult.Transient("SES is throttling sends (" + code + ")");
        }
        if (answer.status() >= 500) {
            return new SendResult.Transient("SES answered " + answer.status());
        }
        return new SendResult.Refused(code, PLAIN_REASONS.getOrDefault(code, "SES refused the message (" + code + ")"));
    }

    /**
     * The reply as MIME. Subject: the one asked for, else "Re: " + the answered message's subject (once, never
     * "Re: Re:"). In-Reply-To and References per RFC 5322 §3.6.4: the answered message's id, after its own
     * references. Attachments are links in the text: nothing is fetched.
     */
    static byte[] mime(OutboundMessage message, Instant now) throws MessagingException, IOException {
        MimeMessage mime = new MimeMessage(Session.getInstance(new Properties()));
        mime.setFrom(new InternetAddress(message.route().account(), true));
        mime.setRecipient(jakarta.mail.Message.RecipientType.TO, new InternetAddress(message.route().recipient(), true));
        String subject = subject(message);
        if (subject != null) {
            mime.setSubject(subject, "UTF-8");
        }
        mime.setSentDate(Date.from(now));
        ConversationEntry replyTo = message.replyTo();
        if (replyTo != null && replyTo.channel() == Channel.EMAIL) {
            mime.setHeader("In-Reply-To", "<" + replyTo.providerMessageId() + ">");
            mime.setHeader("References", references(replyTo));
        }
        mime.setText(text(message), "UTF-8");
        mime.saveChanges();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        mime.writeTo(out);
        return out.toByteArray();
    }

    static String subject(OutboundMessage message) {
        if (message.subject() != null && !message.subject().isBlank()) {
            return message.subject();
        }
        Object original = message.replyTo() == null ? null : message.replyTo().details().get("subject");
        if (!(original instanceof String text) || text.isBlank()) {
            return null;
        }
        return text.strip().toLowerCase(Locale.ROOT).startsWith("re:") ? text.strip() : "Re: " + text.strip();
    }

    private static String references(ConversationEntry replyTo) {
        LinkedHashSet<String> ids = new LinkedHashSet<>();
        if (replyTo.details().get("references") instanceof List<?> earlier) {
            earlier.forEach(id -> ids.add(String.valueOf(id)));
        } else if (replyTo.details().get("inReplyTo") instanceof String parent) {
            ids.add(parent);
        }
        ids.remove(replyTo.providerMessageId());
        ids.add(replyTo.providerMessageId());
        return String.join(" ", ids.stream().map(id -> "<" + id + ">").toList());
    }

    private static String text(OutboundMessage message) {
        StringBuilder text = new StringBuilder(message.text() == null ? "" : message.text());
        List<String> links = new ArrayList<>();
        for (Attachment attachment : message.attachments()) {
            String name = attachment.filename() != null ? attachment.filename()
                    : attachment.caption() != null ? attachment.caption() : "Attachment";
            links.add(name + ": " + attachment.url());
        }
        if (!links.isEmpty()) {
            text.append(text.length() == 0 ? "" : "\n\n").append(String.join("\n", links));
        }
        return text.append(text.length() == 0 || text.charAt(text.length() - 1) == '\n' ? "" : "\n").toString();
    }

    /** The first address of an entry's {@code to} detail (a list of {address, name}), or null. */
    private static String firstRecipient(Object to) {
        if (to instanceof List<?> list && !list.isEmpty() && list.get(0) instanceof Map<?, ?> first
                && first.get("address") instanceof String address && !address.isBlank()) {
            return address;
        }
        return null;
    }

    /**
     * The domain of SES's Message-ID: {@code email.amazonses.com} in us-east-1, {@code <region>.amazonses.com}
     * elsewhere (what SES puts on its messages; {@link #MESSAGE_ID_DOMAIN} overrides it).
     */
    String messageIdDomain() {
        Optional<String> configured = settings.get(MESSAGE_ID_DOMAIN).map(String::trim).filter(v -> !v.isEmpty());
        if (configured.isPresent()) {
            return configured.get();
        }
        String region = settings.get(Settings.AWS_REGION).map(String::trim).orElse("us-east-1");
        return "us-east-1".equals(region) ? "email.amazonses.com" : region + ".amazonses.com";
    }

    /**
     * Built on the first send: region, credentials and endpoint ({@code AWS_ENDPOINT_URL_SESV2}, else
     * {@code AWS_ENDPOINT_URL}, else the region's public endpoint) as every AWS call of the project; one attempt (the
     * reply engine decides on retries, and a retried send may send twice) within the send timeout.
     */
    private SignedJsonRequest ses() {
        SignedJsonRequest built = ses;
        if (built == null) {
            synchronized (this) {
                built = ses;
                if (built == null) {
                    Duration timeout = settings.get(SEND_TIMEOUT_SECONDS).map(String::trim).map(Long::parseLong)
                            .map(Duration::ofSeconds).orElse(DEFAULT_SEND_TIMEOUT);
                    SdkHttpClient client = http != null ? http : UrlConnectionHttpClient.builder()
                            .connectionTimeout(CONNECT_TIMEOUT).socketTimeout(timeout).build();
                    built = SignedJsonRequest.forService(settings, ENDPOINT_SERVICE, ENDPOINT_PREFIX, SIGNING_NAME, client);
                    ses = built;
                }
            }
        }
        return built;
    }

    private static boolean notConnected(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof ConnectException || cause instanceof UnknownHostException) {
                return true;
            }
        }
        return false;
    }
}
