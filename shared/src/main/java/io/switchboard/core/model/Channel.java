package io.switchboard.core.model;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import io.switchboard.core.channel.ChannelDescriptor;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * A channel an interaction arrived on, by its wire name: the name used in storage, in events and in commands (the
 * {@code channel} of docs/events/*.schema.json). An open registry: the core's built-in channels are the constants
 * below; a channel module adds its own with {@link #define} (docs/adding-a-channel.md), e.g.
 * {@code public static final Channel WEBCHAT = Channel.define("webchat");}.
 *
 * <p>One instance per wire name: built-in and defined channels are canonical, so {@code ==} and
 * {@link #equals} agree.
 */
public final class Channel implements Comparable<Channel> {

    /**
     * A wire name: lower-case ASCII letters, digits and hyphens, starting with a letter, at most 32 characters. It
     * is stored in every entry, hashed into entry ids, and names the channel in events and event sources
     * ({@code /<channel>/<account>}).
     */
    private static final Pattern WIRE_NAME = Pattern.compile("[a-z][a-z0-9-]{0,31}");

    /** Channels defined by modules, by wire name (the built-ins are not in it). */
    private static final Map<String, Channel> DEFINED = new ConcurrentHashMap<>();

    public static final Channel WHATSAPP = new Channel("whatsapp", null);
    public static final Channel MESSENGER = new Channel("messenger", null);
    public static final Channel INSTAGRAM = new Channel("instagram", null);
    public static final Channel EMAIL = new Channel("email", null);
    public static final Channel SMS = new Channel("sms", null);
    /** A call cannot carry text: a reply to a caller goes out as a text message to their number. */
    public static final Channel VOICE = new Channel("voice", SMS);

    private static final List<Channel> BUILT_IN = List.of(WHATSAPP, MESSENGER, INSTAGRAM, EMAIL, SMS, VOICE);

    private final String wireName;
    /** Null: replies go out on this channel itself. */
    private final Channel replyChannel;

    private Channel(String wireName, Channel replyChannel) {
        this.wireName = wireName;
        this.replyChannel = replyChannel;
    }

    /**
     * The channel of this wire name, defined by the calling module: the same channel for every call with the same
     * name, so a channel's webhook module and its send module may each define it. Replies to it go out on it.
     *
     * @throws IllegalArgumentException when the name is not a wire name ({@link #WIRE_NAME}) or is a built-in
     *                                  channel's (use the constant)
     */
    public static Channel define(String wireName) {
        if (wireName == null || !WIRE_NAME.matcher(wireName).matches()) {
            throw new IllegalArgumentException("a channel's wire name is lower-case letters, digits and hyphens, "
                    + "starting with a letter, at most 32 characters: " + wireName);
        }
        if (builtIn(wireName) != null) {
            throw new IllegalArgumentException(wireName + " is a built-in channel: use its constant in Channel");
        }
        return DEFINED.computeIfAbsent(wireName, name -> new Channel(name, null));
    }

    @JsonValue
    public String wireName() {
        return wireName;
    }

    /** The channel a reply to this channel's customer goes out on: a call cannot carry text, its number gets an SMS. */
    public Channel replyChannel() {
        return replyChannel == null ? this : replyChannel;
    }

    /**
     * The channel of a wire name: a built-in, one a module defined, or one a module on the class path defines in a
     * class not loaded yet (its {@link ChannelDescriptor#channels()}: the descriptors are read only for a name that
     * is neither built in nor defined, so a function that sees built-in names never reads them).
     *
     * @throws IllegalArgumentException for any other name
     */
    @JsonCreator
    public static Channel fromWire(String name) {
        Channel channel = known(name);
        if (channel == null) {
            readDescriptors();
            channel = known(name);
        }
        if (channel == null) {
            throw new IllegalArgumentException("unknown channel: " + name);
        }
        return channel;
    }

    /**
     * The channel of a wire name read back from the conversation log, which holds only names of channels that
     * wrote there: any well-formed name, defined here when no loaded module has defined it yet (the same channel
     * its module's {@link #define} gives, whichever comes first). A function that does not carry a channel's
     * modules (the fan-out, the customer API) still reads, serves and announces that channel's entries.
     *
     * @throws IllegalArgumentException when the name is not a wire name
     */
    public static Channel fromStore(String name) {
        Channel channel = known(name);
        if (channel != null) {
            return channel;
        }
        if (name == null || !WIRE_NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("not a channel's wire name: " + name);
        }
        return define(name);
    }

    /**
     * Every channel: the built-ins in their order, then those defined by the modules on the class path, by wire
     * name. Reads the channel descriptors (a class-path scan): for messages and tools, not for a hot path.
     */
    public static List<Channel> values() {
        readDescriptors();
        List<Channel> all = new ArrayList<>(BUILT_IN);
        DEFINED.values().stream().sorted().forEach(all::add);
        return List.copyOf(all);
    }

    private static Channel known(String name) {
        if (name == null) {
            return null;
        }
        Channel builtIn = builtIn(name);
        return builtIn != null ? builtIn : DEFINED.get(name);
    }

    private static Channel builtIn(String name) {
        for (Channel channel : BUILT_IN) {
            if (channel.wireName.equals(name)) {
                return channel;
            }
        }
        return null;
    }

    /**
     * Asks every channel descriptor on the class path for its channels, which loads the classes that define them
     * (each defines its channels as it initializes). Not remembered: it runs only for a name that is not known,
     * which on a function is refused input.
     */
    private static void readDescriptors() {
        for (ChannelDescriptor descriptor : ChannelDescriptor.all()) {
            // Every channel that is not built in is made by define, so it is known once its class has initialized.
            descriptor.channels();
        }
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Channel channel && channel.wireName.equals(wireName);
    }

    @Override
    public int hashCode() {
        return wireName.hashCode();
    }

    /** By wire name. */
    @Override
    public int compareTo(Channel other) {
        return wireName.compareTo(other.wireName);
    }

    /** The wire name. */
    @Override
    public String toString() {
        return wireName;
    }
}
