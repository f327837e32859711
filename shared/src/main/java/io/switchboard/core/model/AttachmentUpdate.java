package io.switchboard.core.model;

import java.time.Instant;
import java.util.Objects;

/**
 * The outcome of fetching one attachment: stored (with what the stored object is) or failed (with why). Applied
 * once to the entry by {@code ConversationLog.updateAttachment}, and announced once.
 *
 * @param status      {@code stored} or {@code failed}
 * @param contentType stored: the type sniffed from the bytes
 * @param sizeBytes   stored: the stored object's size
 * @param sha256      stored: the bytes' SHA-256, lower-case hex
 * @param reason      failed: a short code, e.g. {@link Attachment#EXPIRED}
 * @param objectKey   stored: the object's key in the media bucket ({@link Attachment#objectKey})
 * @param at          when it was stored or failed
 */
public record AttachmentUpdate(AttachmentStatus status, String contentType, Long sizeBytes, String sha256,
                               String reason, String objectKey, Instant at) {

    public AttachmentUpdate {
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(at, "at");
        if (status == AttachmentStatus.STORED) {
            Objects.requireNonNull(contentType, "contentType");
            Objects.requireNonNull(sizeBytes, "sizeBytes");
            Objects.requireNonNull(objectKey, "objectKey");
            if (sha256 == null || !sha256.matches("[0-9a-f]{64}")) {
                throw new IllegalArgumentException("sha256 must be 64 lower-case hex digits");
            }
        } else if (status == AttachmentStatus.FAILED) {
            if (reason == null || !reason.matches("[a-z][a-z_]{0,63}")) {
                throw new IllegalArgumentException("reason must be a short lower-case code");
            }
        } else {
            throw new IllegalArgumentException("an attachment is updated to stored or failed, not " + status.wireName());
        }
    }

    public static AttachmentUpdate stored(String contentType, long sizeBytes, String sha256, String objectKey, Instant at) {
        return new AttachmentUpdate(AttachmentStatus.STORED, contentType, sizeBytes, sha256, null, objectKey, at);
    }

    public static AttachmentUpdate failed(String reason, Instant at) {
        return new AttachmentUpdate(AttachmentStatus.FAILED, null, null, null, reason, null, at);
    }
}
