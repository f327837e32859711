package io.switchboard.local;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Properties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An S3-compatible server in this JVM: <a href="https://github.com/gaul/s3proxy">S3Proxy</a> over an Apache jclouds
 * blob store, on the loopback interface. With a data directory the buckets and objects are files under it (jclouds'
 * {@code filesystem} store) and survive a restart; without one they live in memory ({@code transient}) and nothing
 * is written to disk. Requests are authenticated with AWS signatures (V4, and V2) of one key pair, so a forged or
 * expired presigned URL is refused as S3 refuses it.
 *
 * <p>S3Proxy runs on Jetty 11 and brings its own Guava, Jackson and logging, while DynamoDB Local here needs Jetty 12
 * under the same Maven coordinates: the two cannot share the class path. So S3Proxy's self-contained jar travels as a
 * resource of this module ({@value #JAR_RESOURCE}, copied by the build), is extracted once per JVM and loaded in a
 * class loader of its own whose parent is the platform class loader: nothing of it is visible to the rest of the
 * local cloud, and nothing of the local cloud to it. It is driven through reflection; only JDK types cross.
 *
 * <p>S3Proxy has no place for a request filter of ours in front of its handler, and S3 requests are signed over their
 * Host header, so it listens on a private loopback port behind a {@link GuardedRelay}, which checks Host and Origin
 * like every other server of the local cloud and passes the bytes through unchanged.
 */
public final class EmbeddedS3 extends EmbeddedService<EmbeddedS3.Running> {

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedS3.class);
    static final String JAR_RESOURCE = "s3proxy/s3proxy.jar";
    /** The AWS SDK's setting (system property) of when a request carries a checksum. */
    static final String CHECKSUM_PROPERTY = "aws.requestChecksumCalculation";

    static {
        // Since 2.30 the SDK sends a checksum with every upload by default, as a trailer of an aws-chunked body,
        // which S3Proxy 2.6.0 does not read (it answers 400: x-amz-content-sha256 does not match). Every S3 client of
        // this JVM (the functions' too) then sends checksums only where an operation requires one, as the SDK's
        // documentation advises for S3-compatible stores. An explicit setting wins.
        // https://docs.aws.amazon.com/sdkref/latest/guide/feature-dataintegrity.html
        if (System.getProperty(CHECKSUM_PROPERTY) == null && System.getenv("AWS_REQUEST_CHECKSUM_CALCULATION") == null) {
            System.setProperty(CHECKSUM_PROPERTY, "when_required");
        }
    }

    /** S3Proxy on its private port, its blob store's context and the guard in front of it. */
    record Running(Object s3Proxy, AutoCloseable blobStoreContext, InetSocketAddress s3ProxyAddress, GuardedRelay front) {
    }

    /** Chosen once, kept across restarts like the public port. */
    private final int privatePort = Ports.resolve(0);
    private final Path dataDir;
    private final String accessKeyId;
    private final String secretAccessKey;

    /**
     * @param port            0 for a free one (kept across restarts)
     * @param dataDir         where buckets are directories and objects files; null: in memory
     * @param accessKeyId     the one key requests must be signed with
     * @param secretAccessKey its secret
     */
    public EmbeddedS3(int port, Path dataDir, String accessKeyId, String secretAccessKey) {
        super(port);
        this.dataDir = dataDir;
        this.accessKeyId = accessKeyId;
        this.secretAccessKey = secretAccessKey;
    }

    public EmbeddedS3 start() {
        startIfStopped();
        return this;
    }

    @Override
    String portFlag() {
        return "--s3-port";
    }

    @Override
    String name() {
        return "S3";
    }

    @Override
    Running startServer(int port) throws Exception {
        ClassLoader loader = IsolatedJar.classLoader();
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        // jclouds finds its providers (filesystem, transient) through the context class loader.
        thread.setContextClassLoader(loader);
        AutoCloseable context = null;
        Object s3Proxy = null;
        try {
            Properties overrides = new Properties();
            if (dataDir != null) {
                Files.createDirectories(dataDir);
                overrides.setProperty("jclouds.filesystem.basedir", dataDir.toAbsolutePath().toString());
            }
            Class<?> contextBuilder = loader.loadClass("org.jclouds.ContextBuilder");
            Object builder = contextBuilder.getMethod("newBuilder", String.class)
                    .invoke(null, dataDir == null ? "transient" : "filesystem");
            builder = contextBuilder.getMethod("overrides", Properties.class).invoke(builder, overrides);
            Class<?> blobStoreContext = loader.loadClass("org.jclouds.blobstore.BlobStoreContext");
            context = (AutoCloseable) contextBuilder.getMethod("build", Class.class).invoke(builder, blobStoreContext);
            Object blobStore = blobStoreContext.getMethod("getBlobStore").invoke(context);

            Class<?> s3ProxyType = loader.loadClass("org.gaul.s3proxy.S3Proxy");
            Object proxyBuilder = s3ProxyType.getMethod("builder").invoke(null);
            Class<?> builderType = proxyBuilder.getClass();
            builderType.getMethod("blobStore", loader.loadClass("org.jclouds.blobstore.BlobStore"))
                    .invoke(proxyBuilder, blobStore);
            @SuppressWarnings({"unchecked", "rawtypes"})
            Object v2OrV4 = Enum.valueOf((Class) loader.loadClass("org.gaul.s3proxy.AuthenticationType"), "AWS_V2_OR_V4");
            builderType.getMethod("awsAuthentication", v2OrV4.getClass(), String.class, String.class)
                    .invoke(proxyBuilder, v2OrV4, accessKeyId, secretAccessKey);
            String loopback = InetAddress.getLoopbackAddress().getHostAddress();
            builderType.getMethod("endpoint", URI.class).invoke(proxyBuilder, URI.create("http://" + loopback + ":" + privatePort));
            s3Proxy = builderType.getMethod("build").invoke(proxyBuilder);
            s3ProxyType.getMethod("start").invoke(s3Proxy);
            InetSocketAddress bound = new InetSocketAddress(loopback, (Integer) s3ProxyType.getMethod("getPort").invoke(s3Proxy));
            return new Running(s3Proxy, context, bound, GuardedRelay.start("s3", port, privatePort));
        } catch (InvocationTargetException e) {
            stopQuietly(s3Proxy, context);
            throw e.getCause() instanceof Exception cause ? cause : e;
        } catch (RuntimeException | IOException e) {
            stopQuietly(s3Proxy, context);
            throw e;
        } finally {
            thread.setContextClassLoader(previous);
        }
    }

    private static void stopQuietly(Object s3Proxy, AutoCloseable context) {
        try {
            if (s3Proxy != null) {
                s3Proxy.getClass().getMethod("stop").invoke(s3Proxy);
            }
            if (context != null) {
                context.close();
            }
        } catch (Exception e) {
            LOG.debug("S3Proxy did not stop cleanly: {}", e.toString());
        }
    }

    @Override
    void stopServer(Running server) throws Exception {
        server.front().close();
        Method stop = server.s3Proxy().getClass().getMethod("stop");
        try {
            stop.invoke(server.s3Proxy());
        } finally {
            server.blobStoreContext().close();
        }
    }

    @Override
    List<InetSocketAddress> boundAddresses(Running server) {
        return List.of(server.front().boundAddress(), server.s3ProxyAddress());
    }

    /** The data directory, or null when the objects live in memory. */
    public Path dataDir() {
        return dataDir;
    }

    /** S3Proxy's jar, extracted from the resources once per JVM, and its class loader. */
    static final class IsolatedJar {

        /**
         * S3Proxy's own logback.xml prints INFO on standard output (each start and request). Logback looks for
         * logback-test.xml before it, so this one, in a directory ahead of the jar, wins without a second logback.xml
         * on the class path (which logback would report): warnings and errors, on standard error.
         */
        private static final String LOGBACK_XML = """
                <configuration>
                  <statusListener class="ch.qos.logback.core.status.NopStatusListener"/>
                  <appender name="STDERR" class="ch.qos.logback.core.ConsoleAppender">
                    <target>System.err</target>
                    <encoder><pattern>[s3proxy] %level %logger{30}: %msg%n</pattern></encoder>
                  </appender>
                  <root level="WARN"><appender-ref ref="STDERR"/></root>
                </configuration>
                """;

        private static ClassLoader loader;

        private IsolatedJar() {
        }

        static synchronized ClassLoader classLoader() {
            if (loader == null) {
                loader = load();
            }
            return loader;
        }

        private static ClassLoader load() {
            long started = System.nanoTime();
            try {
                // Owner-only permissions (a POSIX temporary directory is created rwx------): no other user of the
                // machine can put classes in it.
                Path dir = Files.createTempDirectory("switchboard-s3proxy");
                dir.toFile().deleteOnExit();
                Path jar = dir.resolve("s3proxy.jar");
                try (InputStream in = EmbeddedS3.class.getClassLoader().getResourceAsStream(JAR_RESOURCE)) {
                    if (in == null) {
                        throw new IllegalStateException("no " + JAR_RESOURCE + " among the resources (the build copies"
                                + " it in generate-resources: run `mvn -pl infra/local-cloud process-resources`)");
                    }
                    Files.copy(in, jar, StandardCopyOption.REPLACE_EXISTING);
                }
                jar.toFile().deleteOnExit();
                Path config = dir.resolve("config");
                Files.createDirectory(config);
                config.toFile().deleteOnExit();
                Path logback = Files.writeString(config.resolve("logback-test.xml"), LOGBACK_XML, StandardCharsets.UTF_8);
                logback.toFile().deleteOnExit();
                ClassLoader isolated = new URLClassLoader("s3proxy", new URL[] {config.toUri().toURL(), jar.toUri().toURL()},
                        ClassLoader.getPlatformClassLoader());
                LOG.debug("S3Proxy extracted to {} in {} ms", dir, (System.nanoTime() - started) / 1_000_000);
                return isolated;
            } catch (IOException e) {
                throw new UncheckedIOException("cannot extract S3Proxy's jar", e);
            }
        }
    }
}
