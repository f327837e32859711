package io.switchboard.core.model;

import java.time.Instant;
import java.util.Objects;

/**
 * Media attached to an entry, and where its bytes are (docs/architecture.md, "Media"). The log holds no bytes: a
 * kept attachment's bytes are an object of the media bucket, under {@link #objectKey(String, String, int)}.
 *
 * @param type        image, audio, video, document, sticker, file...
 * @param mimeType    as the provider reports it, may be null
 * @param mediaId     provider media id (fetched through the provider's media API), may be null
 * @param url         provider URL, may be null
 * @param filename    may be null
 * @param caption     may be null
 * @param sizeBytes   the size of the media in bytes: as the provider (or the email) reported it until it is stored,
 *                    then the size of the stored object; may be null
 * @param status      where the bytes are; never null (see {@link AttachmentStatus})
 * @param contentType once stored: the type sniffed from the bytes (what a download serves), else null
 * @param sha256      once stored: the bytes' SHA-256, lower-case hex, else null
 * @param reason      once failed: why, a short code ({@link #EXPIRED}, {@link #TOO_LARGE}...), else null
 * @param objectKey   once stored: the object's key in the media bucket; the store's own, never in events
 * @param settledAt   when it was stored or failed (the time of its event), else null
 */
public record Attachment(String type, String mimeType, String mediaId, String url, String filename,
                         String caption, Long sizeBytes, AttachmentStatus status, String contentType, String sha256,
                         String reason, String objectKey, Instant settledAt) {

    /** The provider no longer serves it (media URLs and ids expire). */
    public static final String EXPIRED = "expired";
    /** Larger than the media function keeps. */
    public static final String TOO_LARGE = "too_large";
    /** Its URL names a host the media function does not fetch from. */
    public static final String HOST_NOT_ALLOWED = "host_not_allowed";
    /** Of a kind the media function does not keep. */
    public static final String UNSUPPORTED = "unsupported";
    /** The fetch kept failing. */
    public static final String DOWNLOAD_FAILED = "download_failed";

    /**
     * @param status null for the default: {@code pending} when the provider holds the media (a media id or a URL),
     *               {@code reference} when the attachment names nothing to fetch
     */
    public Attachment {
        if (status == null) {
            status = mediaId != null || url != null ? AttachmentStatus.PENDING : AttachmentStatus.REFERENCE;
        }
    }

    /** An attachment as a channel's parser sees it: pending when it has a media id or URL, else a reference. */
    public Attachment(String type, String mimeType, String mediaId, String url, String filename, String caption,
                      Long sizeBytes) {
        this(type, mimeType, mediaId, url, filename, caption, sizeBytes, null, null, null, null, null, null);
    }

    public static Attachment media(String type, String mimeType, String mediaId, String caption, String filename) {
        return new Attachment(type, mimeType, mediaId, null, filename, caption, null);
    }

    /** The same attachment in another state, e.g. a channel's {@code reference} for media it never has fetched. */
    public Attachment withStatus(AttachmentStatus value) {
        return new Attachment(type, mimeType, mediaId, url, filename, caption, sizeBytes, value, contentType, sha256,
                reason, objectKey, settledAt);
    }

    /** This attachment with the update applied (the caller checks the move is forward). */
    public Attachment with(AttachmentUpdate update) {
        if (update.status() == AttachmentStatus.STORED) {
            return new Attachment(type, mimeType, mediaId, url, filename, caption, update.sizeBytes(),
                    AttachmentStatus.STORED, update.contentType(), update.sha256(), null, update.objectKey(), update.at());
        }
        return new Attachment(type, mimeType, mediaId, url, filename, caption, sizeBytes, update.status(), null, null,
                update.reason(), null, update.at());
    }

    /** The media bucket's key of an entry's attachment: {@code <customerId>/<entryId>/<index>}, per log partition. */
    public static String objectKey(String customerId, String entryId, int index) {
        Objects.requireNonNull(customerId, "customerId");
        Objects.requireNonNull(entryId, "entryId");
        return customerId + "/" + entryId + "/" + index;
    }

    /**
     * Where the customer API serves a stored attachment (docs/api/openapi.yaml):
     * {@code /v1/customers/<customerId>/entries/<entryId>/attachments/<index>}, the index counted from 0.
     */
    public static String downloadPath(String customerId, String entryId, int index) {
        return "/v1/customers/" + customerId + "/entries/" + entryId + "/attachments/" + index;
    }
}
