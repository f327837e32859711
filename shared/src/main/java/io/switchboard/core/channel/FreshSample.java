package io.switchboard.core.channel;

import java.util.List;

/**
 * A sample webhook made a new delivery ({@link ChannelDescriptor#freshSample}): the request, and the provider ids it
 * now carries (a message's, a call's, a recording's), which the events its delivery causes name.
 *
 * @param ids the renamed ids; empty when the channel renames nothing (a handshake, or a channel that cannot)
 */
public record FreshSample(SampleRequest request, List<String> ids) {

    public FreshSample {
        ids = List.copyOf(ids);
    }

    /** The sample as it is: nothing renamed. */
    public static FreshSample unchanged(SampleRequest request) {
        return new FreshSample(request, List.of());
    }
}
