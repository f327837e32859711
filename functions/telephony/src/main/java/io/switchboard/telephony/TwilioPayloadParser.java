package io.switchboard.telephony;

import io.switchboard.core.ingest.Interaction;
import io.switchboard.core.model.Attachment;
import io.switchboard.core.model.Channel;
import io.switchboard.core.model.ConversationEntry;
import io.switchboard.core.model.DeliveryStatus;
import io.switchboard.core.model.Direction;
import io.switchboard.core.model.EntryKind;
import io.switchboard.core.model.Identity;
import io.switchboard.core.model.RejectedInputException;
import io.switchboard.core.model.StatusChange;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Turns Twilio's (already authenticated) form parameters into canonical interactions. Pure: no AWS, no clock, no
 * state; Twilio's voice and messaging webhooks carry no event time, so the caller passes the arrival time, which is
 * used only where Twilio gives none ({@code Timestamp}, {@code RecordingStartTime} are used when present).
 *
 * <p>Parameter names: https://www.twilio.com/docs/voice/twiml#request-parameters,
 * https://www.twilio.com/docs/voice/api/call-resource#statuscallback,
 * https://www.twilio.com/docs/voice/twiml/record, https://www.twilio.com/docs/messaging/guides/webhook-request,
 * https://www.twilio.com/docs/messaging/guides/outbound-message-logging.
 *
 * <p>The customer is the party that is not the company: {@code From} of inbound calls and messages, {@code To}
 * of outbound ones (Direction {@code outbound-api}, {@code outbound-dial}; message status callbacks are about
 * messages the company sent). A message's identity is {@code phone:+E164}, the key WhatsApp uses too (or, for a
 * short code or an alphanumeric sender id, {@code sms-sender:<country>:<sender>}); a call's is
 * that, or a SIP address, a Voice SDK client, or an anonymous caller of its own ({@link TelephonyIdentity}), so
 * every call is logged.
 *
 * <p>Every refusal is a {@link RejectedInputException} (answered 400 with a short reason naming the parameter, never
 * its value); nothing else is thrown for any form.
 */
public final class TwilioPayloadParser {

    /**
     * Query parameter of the recording and transcription callback URLs this function puts into its TwiML: the
     * caller ({@link TelephonyIdentity#callbackValue}: the number, or the key of a caller without one), because
     * Twilio's recording status callback does not carry From/To. Twilio signs the URL with its query, so the value
     * is as authentic as the body.
     */
    public static final String CUSTOMER_QUERY = "customer";

    /** Twilio parameter → detail key, for the call entry. */
    private static final String[][] CALL_DETAILS = {
            {"From", "from"}, {"To", "to"}, {"CallerName", "callerName"}, {"Direction", "twilioDirection"},
            {"ForwardedFrom", "forwardedFrom"}, {"ParentCallSid", "parentCallSid"},
            {"FromCity", "fromCity"}, {"FromState", "fromState"}, {"FromZip", "fromZip"},
            {"FromCountry", "fromCountry"}, {"ToCity", "toCity"}, {"ToState", "toState"}, {"ToZip", "toZip"},
            {"ToCountry", "toCountry"}, {"StirVerstat", "stirVerstat"}};

    /** Twilio parameter → detail key, for SMS/MMS/WhatsApp messages. */
    private static final String[][] MESSAGE_DETAILS = {
            {"From", "from"}, {"To", "to"}, {"FromCity", "fromCity"}, {"FromState", "fromState"},
            {"FromZip", "fromZip"}, {"FromCountry", "fromCountry"}, {"ToCity", "toCity"}, {"ToState", "toState"},
            {"ToZip", "toZip"}, {"ToCountry", "toCountry"}, {"NumSegments", "numSegments"},
            {"MessagingServiceSid", "messagingServiceSid"}, {"WaId", "waId"}, {"ButtonText", "buttonText"},
            {"ButtonPayload", "buttonPayload"}, {"Latitude", "latitude"}, {"Longitude", "longitude"},
            {"Address", "address"}, {"Label", "label"}};

    // ------------------------------------------------------------------ voice

    /**
     * The customer of a call: From when inbound, To when outbound; a caller without a phone number is a SIP
     * address, a client, or the anonymous caller of this CallSid.
     *
     * @throws RejectedInputException when that party is missing, or CallSid is needed and missing or malformed
     */
    public Identity callCustomer(TwilioForm form) {
        String party = isOutbound(form) ? form.require("To") : form.require("From");
        return TelephonyIdentity.ofCallParty(party, TelephonyIdentity.optionalSid(form, "CallSid").orElse(null));
    }

    /**
     * An incoming call ({@code POST /webhooks/twilio/voice}): one call entry keyed by CallSid.
     *
     * @throws RejectedInputException when CallSid, AccountSid, From or To is missing or malformed
     */
    public List<Interaction> incomingCall(TwilioForm form, Instant receivedAt) {
        String callSid = TelephonyIdentity.requireSid(form, "CallSid");
        String source = source(form);
        form.require("From");
        form.require("To");
        Direction direction = isOutbound(form) ? Direction.OUTBOUND : Direction.INBOUND;
        Identity customer = callCustomer(form);
        ConversationEntry.Builder entry = ConversationEntry.builder(Channel.VOICE, callSid)
                .source(source)
                .direction(direction)
                .kind(EntryKind.CALL)
                .occurredAt(receivedAt);
        callStatus(form).ifPresent(status -> entry.status(status, receivedAt));
        details(entry, form, CALL_DETAILS);
        String profileName = direction == Direction.INBOUND ? form.get("CallerName").orElse(null) : null;
        return List.of(new Interaction.LogEntry(customer, profileName, entry.build()));
    }

    /**
     * Whether a request to the voice URL is Twilio's request to the {@code <Record>} action once the caller finished
     * the voicemail (it carries the recording): not a new call; the recording callback logs the voicemail.
     * https://www.twilio.com/docs/voice/twiml/record#attributes-action
     */
    public static boolean isRecordAction(TwilioForm form) {
        return form.has("RecordingUrl");
    }

    /**
     * A call status callback ({@code POST /webhooks/twilio/voice/status}): the call moves forward (never back) to
     * the reported status; a call not seen yet is kept as a call placeholder. An ending status with CallDuration
     * also records the duration on the call.
     *
     * @throws RejectedInputException when CallSid, AccountSid, CallStatus or the customer is missing, or a sid is
     *                                malformed
     */
    public List<Interaction> callStatus(TwilioForm form, Instant receivedAt) {
        String callSid = TelephonyIdentity.requireSid(form, "CallSid");
        String source = source(form);
        form.require("CallStatus");
        Identity customer = callCustomer(form);
        Optional<DeliveryStatus> status = callStatus(form);
        if (status.isEmpty()) {
            return List.of(); // queued / initiated: not a step the log tracks
        }
        Direction direction = isOutbound(form) ? Direction.OUTBOUND : Direction.INBOUND;
        Instant at = time(form.get("Timestamp"), receivedAt);
        Map<String, Object> error = new LinkedHashMap<>();
        if (status.get() == DeliveryStatus.FAILED || status.get() == DeliveryStatus.BUSY
                || status.get() == DeliveryStatus.NO_ANSWER) {
            form.get("SipResponseCode").ifPresent(code -> error.put("sipResponseCode", code));
            form.get("ErrorCode").ifPresent(code -> error.put("code", code));
            form.get("ErrorMessage").ifPresent(message -> error.put("message", message));
        }
        List<Interaction> out = new ArrayList<>();
        out.add(new Interaction.UpdateStatus(customer, new StatusChange(Channel.VOICE, source, callSid, status.get(),
                at, error, new StatusChange.Placeholder(EntryKind.CALL, direction))));
        Optional<Integer> duration = seconds(form, "CallDuration");
        if (status.get().endsCall() && duration.isPresent()) {
            out.add(new Interaction.AmendEntry(customer, Channel.VOICE, callSid, null,
                    Map.of("durationSeconds", duration.get()), at, null));
        }
        return List.copyOf(out);
    }

    /**
     * A recording status callback ({@code POST /webhooks/twilio/voice/recording}): a voicemail entry keyed by
     * RecordingSid, answering the call (replyTo = CallSid), with the audio's URL. Only a completed recording is a
     * voicemail; "absent" (silence), "in-progress" and "failed" record nothing.
     *
     * @param customerNumber the {@link #CUSTOMER_QUERY} of the callback URL, if any
     * @throws RejectedInputException when RecordingSid, RecordingUrl, CallSid or AccountSid is missing or malformed,
     *                                or the customer can be told neither from the URL nor from From/To
     */
    public List<Interaction> recording(TwilioForm form, Optional<String> customerNumber, Instant receivedAt) {
        String recordingSid = TelephonyIdentity.requireSid(form, "RecordingSid");
        String recordingUrl = form.require("RecordingUrl");
        String callSid = TelephonyIdentity.requireSid(form, "CallSid");
        String source = source(form);
        Identity customer = voicemailCustomer(form, customerNumber);
        String status = form.get("RecordingStatus").orElse("completed").trim().toLowerCase(Locale.ROOT);
        if (!status.equals("completed")) {
            return List.of();
        }
        ConversationEntry entry = voicemail(form, source, recordingSid, recordingUrl, callSid,
                time(form.get("RecordingStartTime"), receivedAt), null).build();
        return List.of(new Interaction.LogEntry(customer, null, entry));
    }

    /**
     * A transcription callback ({@code POST /webhooks/twilio/voice/transcription}): the voicemail's text. When
     * the recording callback has not arrived yet, the voicemail is logged now, already carrying its text.
     *
     * @throws RejectedInputException when RecordingSid, TranscriptionStatus or AccountSid is missing, a sid is
     *                                malformed, or the customer can be told neither from the URL nor from From/To
     *                                (and CallSid, for a caller without a number)
     */
    public List<Interaction> transcription(TwilioForm form, Optional<String> customerNumber, Instant receivedAt) {
        String recordingSid = TelephonyIdentity.requireSid(form, "RecordingSid");
        String transcriptionStatus = form.require("TranscriptionStatus");
        String source = source(form);
        Optional<String> callSid = TelephonyIdentity.optionalSid(form, "CallSid");
        Identity customer = voicemailCustomer(form, customerNumber);
        String text = transcriptionStatus.trim().equalsIgnoreCase("completed")
                ? form.get("TranscriptionText").orElse(null) : null;
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("transcriptionStatus", transcriptionStatus);
        form.get("TranscriptionSid").ifPresent(sid -> details.put("transcriptionSid", sid));
        ConversationEntry ifMissing = null;
        Optional<String> recordingUrl = form.get("RecordingUrl");
        if (recordingUrl.isPresent() && callSid.isPresent()) {
            ConversationEntry.Builder entry = voicemail(form, source, recordingSid, recordingUrl.get(), callSid.get(),
                    receivedAt, text);
            details.forEach(entry::detail);
            ifMissing = entry.build();
        }
        return List.of(new Interaction.AmendEntry(customer, Channel.VOICE, recordingSid, text, details, receivedAt,
                ifMissing));
    }

    private static ConversationEntry.Builder voicemail(TwilioForm form, String source, String recordingSid,
                                                       String recordingUrl, String callSid, Instant occurredAt,
                                                       String text) {
        Optional<Integer> duration = seconds(form, "RecordingDuration");
        // Twilio serves the recording as WAV at the URL without extension (.mp3 for MP3).
        Attachment audio = new Attachment("audio", recordingUrl.endsWith(".mp3") ? "audio/mpeg" : "audio/x-wav",
                null, recordingUrl, null, null, null);
        return ConversationEntry.builder(Channel.VOICE, recordingSid)
                .source(source)
                .direction(Direction.INBOUND)
                .kind(EntryKind.VOICEMAIL)
                .occurredAt(occurredAt)
                .text(text)
                .attachments(List.of(audio))
                .replyTo(callSid)
                .detail("callSid", callSid)
                .detail("recordingSid", recordingSid)
                .detail("durationSeconds", duration.orElse(null))
                .detail("recordingChannels", form.get("RecordingChannels").orElse(null))
                .detail("recordingSource", form.get("RecordingSource").orElse(null));
    }

    private Identity voicemailCustomer(TwilioForm form, Optional<String> customerNumber) {
        if (customerNumber.isPresent() && !customerNumber.get().isBlank()) {
            return TelephonyIdentity.fromCallbackValue(customerNumber.get());
        }
        if (form.has(isOutbound(form) ? "To" : "From")) {
            return callCustomer(form);
        }
        throw new RejectedInputException("missing parameter From (or the " + CUSTOMER_QUERY
                + " query of the callback URL): whose voicemail is it?");
    }

    private static Optional<DeliveryStatus> callStatus(TwilioForm form) {
        return form.get("CallStatus").flatMap(TwilioStatuses::ofCall);
    }

    // ------------------------------------------------------------------ messages

    /**
     * An incoming SMS, MMS or WhatsApp message ({@code POST /webhooks/twilio/sms}): one message entry keyed by
     * MessageSid, media as attachments. {@code From} of {@code whatsapp:+...} is the WhatsApp channel. A sender
     * without a phone number (a short code, an alphanumeric sender id) is kept as the {@code sms-sender} of its
     * country ({@link TelephonyIdentity#ofSmsSender}).
     *
     * @throws RejectedInputException when MessageSid, AccountSid or From is missing, From is no sender, a sid is
     *                                malformed, or NumMedia is not a number from 0 to 10 (with as many MediaUrlN)
     */
    public List<Interaction> inboundMessage(TwilioForm form, Instant receivedAt) {
        String messageSid = TelephonyIdentity.requireSid(form, "MessageSid", "SmsMessageSid", "SmsSid");
        String source = source(form);
        String from = form.require("From");
        Channel channel = channelOf(from);
        Identity customer = TelephonyIdentity.ofSmsSender(from, form.get("ToCountry"), form.get("To"));
        ConversationEntry.Builder entry = ConversationEntry.builder(channel, messageSid)
                .source(source)
                .direction(Direction.INBOUND)
                .kind(form.has("Latitude") && form.has("Longitude") ? EntryKind.LOCATION : EntryKind.MESSAGE)
                .occurredAt(receivedAt)
                .text(form.get("Body").orElse(null))
                .attachments(media(form))
                // a reply reference that is no sid is dropped, not a reason to lose the customer's message
                .replyTo(form.get("OriginalRepliedMessageSid").map(String::trim).filter(TelephonyIdentity::isSid)
                        .orElse(null));
        details(entry, form, MESSAGE_DETAILS);
        return List.of(new Interaction.LogEntry(customer, form.get("ProfileName").orElse(null), entry.build()));
    }

    /**
     * A message status callback ({@code POST /webhooks/twilio/sms/status}) of a message the company sent: the
     * message moves forward to the status; failures carry ErrorCode.
     *
     * @throws RejectedInputException when MessageSid, MessageStatus, AccountSid or To is missing, or a sid is
     *                                malformed
     */
    public List<Interaction> messageStatus(TwilioForm form, Instant receivedAt) {
        String messageSid = TelephonyIdentity.requireSid(form, "MessageSid", "SmsSid");
        String reported = TwilioStatuses.word(form.requireAny("MessageStatus", "SmsStatus"));
        String source = source(form);
        String to = form.require("To");
        Channel channel = channelOf(to).equals(Channel.WHATSAPP) ? Channel.WHATSAPP
                : channelOf(form.get("From").orElse(""));
        Identity customer = TelephonyIdentity.phone(to);
        DeliveryStatus status = TwilioStatuses.ofMessage(reported).orElse(null);
        if (status == null) {
            return List.of(); // not a delivery step (e.g. "received" of an inbound message)
        }
        Map<String, Object> error = new LinkedHashMap<>();
        if (status == DeliveryStatus.FAILED) {
            error.put("status", reported);
            form.get("ErrorCode").ifPresent(code -> error.put("code", code));
            form.get("ErrorMessage").ifPresent(message -> error.put("message", message));
        }
        return List.of(new Interaction.UpdateStatus(customer,
                new StatusChange(channel, source, messageSid, status, receivedAt, error)));
    }

    private static List<Attachment> media(TwilioForm form) {
        int count = form.get("NumMedia").map(value -> {
            try {
                return Integer.parseInt(value.trim());
            } catch (NumberFormatException e) {
                throw new RejectedInputException("NumMedia is not a number");
            }
        }).orElse(0);
        if (count < 0 || count > 10) {
            throw new RejectedInputException("NumMedia out of range");
        }
        List<Attachment> attachments = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            Optional<String> url = form.get("MediaUrl" + i);
            if (url.isEmpty()) {
                throw new RejectedInputException("missing parameter MediaUrl" + i);
            }
            String mimeType = form.get("MediaContentType" + i).orElse(null);
            attachments.add(new Attachment(mediaType(mimeType), mimeType, null, url.get(), null, null, null));
        }
        return attachments;
    }

    private static String mediaType(String mimeType) {
        if (mimeType == null) {
            return "file";
        }
        String lower = mimeType.toLowerCase(Locale.ROOT);
        if (lower.startsWith("image/")) {
            return "image";
        }
        if (lower.startsWith("audio/")) {
            return "audio";
        }
        if (lower.startsWith("video/")) {
            return "video";
        }
        return lower.startsWith("text/vcard") || lower.startsWith("text/x-vcard") ? "contacts" : "document";
    }

    /** A {@code whatsapp:} address is a message of the WhatsApp channel, through Twilio; any other is an SMS. */
    private static Channel channelOf(String address) {
        return TelephonyIdentity.isWhatsApp(address) ? Channel.WHATSAPP : Channel.SMS;
    }

    // ------------------------------------------------------------------ common

    private static boolean isOutbound(TwilioForm form) {
        return form.get("Direction").map(d -> d.toLowerCase(Locale.ROOT).startsWith("outbound")).orElse(false);
    }

    /** The CloudEvent source of the account's entries; AccountSid must be letters and digits (a URI segment). */
    private static String source(TwilioForm form) {
        return "/twilio/" + TelephonyIdentity.requireSid(form, "AccountSid");
    }

    private static void details(ConversationEntry.Builder entry, TwilioForm form, String[][] names) {
        for (String[] name : names) {
            entry.detail(name[1], form.get(name[0]).orElse(null));
        }
    }

    /** A duration in seconds; empty when absent, not a number or negative (a detail, never a reason to refuse). */
    private static Optional<Integer> seconds(TwilioForm form, String name) {
        return form.get(name).flatMap(value -> {
            try {
                int seconds = Integer.parseInt(value.trim());
                return seconds < 0 ? Optional.empty() : Optional.of(seconds);
            } catch (NumberFormatException e) {
                return Optional.empty();
            }
        });
    }

    /** Twilio's RFC 2822 times ("Tue, 10 Nov 2026 21:55:03 +0000"); the fallback when absent or unreadable. */
    static Instant time(Optional<String> value, Instant fallback) {
        if (value.isEmpty()) {
            return fallback;
        }
        try {
            return ZonedDateTime.parse(value.get().trim(), DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
        } catch (DateTimeParseException e) {
            return fallback;
        }
    }
}
