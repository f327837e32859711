package io.switchboard.email;

import io.switchboard.core.media.MediaTypes;
import io.switchboard.core.model.Attachment;
import io.switchboard.core.model.AttachmentUpdate;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;

/**
 * Keeps an email's attachments: the bytes came in the webhook, so they are stored before the entry is written and
 * never fetched again (docs/architecture.md, "Media"). Each is PUT under {@link Attachment#objectKey} (a retried
 * webhook writes the same keys again), its content type sniffed from the bytes ({@link MediaTypes}), never the
 * declared one. One larger than the cap is {@code failed}/{@code too_large}; one whose content could not be read
 * from the webhook is {@code failed}/{@code unsupported}: none is dropped silently.
 *
 * <p>Not wired into the webhook yet: the key needs the customer id, known only once the recorder has resolved the
 * sender.
 */
final class AttachmentKeeper {

    /** Where the bytes go: the media bucket. */
    @FunctionalInterface
    interface Store {
        /** @throws IOException when the object was not stored (the webhook answers 503 and the provider retries) */
        void put(String key, byte[] bytes, String contentType) throws IOException;
    }

    private final Store store;
    private final long maxBytes;

    AttachmentKeeper(Store store, long maxBytes) {
        this.store = Objects.requireNonNull(store, "store");
        if (maxBytes < 1) {
            throw new IllegalArgumentException("the attachment cap must be positive");
        }
        this.maxBytes = maxBytes;
    }

    /**
     * The attachments settled: stored or failed, one for one.
     *
     * @param bytes each attachment's bytes ({@link ParsedEmail#attachmentBytes()}), at least as many as attachments;
     *              empty when the parser carried none (the attachments are returned unchanged)
     * @throws UncheckedIOException when the store failed: nothing of the entry may be written
     */
    List<Attachment> keep(String customerId, String entryId, List<Attachment> attachments, List<byte[]> bytes,
                          Instant at) {
        if (bytes.isEmpty()) {
            return attachments;
        }
        List<Attachment> settled = new ArrayList<>(attachments.size());
        for (int index = 0; index < attachments.size(); index++) {
            Attachment attachment = attachments.get(index);
            byte[] content = bytes.get(index);
            if (content == null) {
                settled.add(attachment.with(AttachmentUpdate.failed(Attachment.UNSUPPORTED, at)));
            } else if (content.length > maxBytes) {
                settled.add(attachment.with(AttachmentUpdate.failed(Attachment.TOO_LARGE, at)));
            } else {
                String key = Attachment.objectKey(customerId, entryId, index);
                String contentType = MediaTypes.sniff(content);
                try {
                    store.put(key, content, contentType);
                } catch (IOException e) {
                    throw new UncheckedIOException("media bucket did not store an attachment", e);
                }
                settled.add(attachment.with(AttachmentUpdate.stored(contentType, content.length, sha256(content), key, at)));
            }
        }
        return settled;
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is always present", e);
        }
    }
}
