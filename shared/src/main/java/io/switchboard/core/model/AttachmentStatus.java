package io.switchboard.core.model;

/**
 * Where an attachment's bytes are (docs/architecture.md, "Media").
 * <ul>
 *   <li>{@code pending}: held by the provider (a media id or URL); the media function has yet to fetch it;</li>
 *   <li>{@code stored}: kept in the media bucket, downloadable through the customer API; final;</li>
 *   <li>{@code reference}: not kept, and never fetched: the attachment names where it is (media of a channel whose
 *       media are not fetched, a link, a helpdesk's own URL), or nothing (entries stored before media were kept);</li>
 *   <li>{@code failed}: could not be kept, for its {@code reason}.</li>
 * </ul>
 * A state only moves forward: pending to stored or failed, failed to stored (a later fetch that succeeded); stored
 * and reference never change.
 */
public enum AttachmentStatus {
    PENDING("pending"),
    STORED("stored"),
    REFERENCE("reference"),
    FAILED("failed");

    private final String wireName;

    AttachmentStatus(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }

    /** True when an attachment in this state may move to {@code next}. */
    public boolean canMoveTo(AttachmentStatus next) {
        return switch (this) {
            case PENDING -> next == STORED || next == FAILED;
            case FAILED -> next == STORED;
            case STORED, REFERENCE -> false;
        };
    }

    /** Stored and failed are what a fetch ends in, each announced once. */
    public boolean settled() {
        return this == STORED || this == FAILED;
    }

    public static AttachmentStatus fromWire(String name) {
        for (AttachmentStatus status : values()) {
            if (status.wireName.equals(name)) {
                return status;
            }
        }
        throw new IllegalArgumentException("unknown attachment status: " + name);
    }
}
