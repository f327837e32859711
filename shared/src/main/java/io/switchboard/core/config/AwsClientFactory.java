package io.switchboard.core.config;

import io.micronaut.context.annotation.Factory;
import io.micronaut.context.annotation.Secondary;
import jakarta.inject.Singleton;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.EnvironmentVariableCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.retry.RetryMode;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * Builds the SDK clients once per container, with an explicit region, credentials provider and the one
 * light HTTP client (URLConnection), which keeps cold starts short. {@code AWS_ENDPOINT_URL} points every
 * client at a local or LocalStack endpoint.
 */
@Factory
public class AwsClientFactory {

    /**
     * Webhooks must answer fast; a store that does not answer within this is treated as down (5xx). The local
     * cloud sets a longer one ({@code AWS_CALL_TIMEOUT_SECONDS}): an embedded store on a busy laptop or CI machine
     * is slow, not down.
     */
    static final Duration API_CALL_TIMEOUT = Duration.ofSeconds(5);
    public static final String CALL_TIMEOUT_SECONDS = "AWS_CALL_TIMEOUT_SECONDS";

    @Singleton
    @Secondary
    Settings environmentSettings() {
        return Settings.environment();
    }

    /** Secondary: a test or the local cloud hands in its own clock through {@code Contexts.with}. */
    @Singleton
    @Secondary
    Clock clock() {
        return Clock.systemUTC();
    }

    @Singleton
    DynamoDbClient dynamoDb(Settings settings, List<ExecutionInterceptor> interceptors) {
        if (interceptors.isEmpty()) {
            // On Lambda the init warm-up thread builds the client from the same settings while the context starts.
            DynamoDbClient early = InitWarmUp.takeDynamoDb(clientInputs(settings));
            if (early != null) {
                return early;
            }
        }
        return configure(DynamoDbClient.builder(), "DYNAMODB", settings, interceptors).build();
    }

    /** The DynamoDB client {@link #dynamoDb} builds for these settings when no interceptor is registered. */
    static DynamoDbClient dynamoDbWithout(Settings settings) {
        return configure(DynamoDbClient.builder(), "DYNAMODB", settings, List.of()).build();
    }

    /** What {@link #configure} reads from the settings: two clients built from equal inputs are configured alike. */
    static java.util.Map<String, java.util.Optional<String>> clientInputs(Settings settings) {
        java.util.Map<String, java.util.Optional<String>> inputs = new java.util.TreeMap<>();
        for (String name : List.of(Settings.AWS_REGION, Settings.AWS_ENDPOINT_URL, Settings.AWS_ENDPOINT_URL + "_DYNAMODB",
                Settings.AWS_ENDPOINT_URL + "_SQS", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", CALL_TIMEOUT_SECONDS)) {
            inputs.put(name, settings.get(name));
        }
        return inputs;
    }

    @Singleton
    Secrets secrets(Settings settings, Clock clock) {
        // One signed GetSecretValue over a short-lived URLConnection client, not the Secrets Manager SDK client
        // (see SecretsManagerFetch). The secret is read once per cache period.
        return new Secrets(settings, secretId -> {
            try (SdkHttpClient http = httpClient(callTimeout(settings)).build()) {
                return new SecretsManagerFetch(http, credentials(settings), region(settings),
                        endpoint(settings, "SECRETS_MANAGER").map(URI::create).orElse(null)).apply(secretId);
            }
        }, clock);
    }

    /**
     * Applies region, credentials, endpoint, HTTP client and timeouts to any SDK client builder. The endpoint
     * follows the SDK's own convention: {@code AWS_ENDPOINT_URL_<SERVICE>} (e.g. AWS_ENDPOINT_URL_DYNAMODB),
     * else {@code AWS_ENDPOINT_URL}.
     */
    public static <B extends AwsClientBuilder<B, C>, C> B configure(B builder, String serviceEnvName, Settings settings,
                                                                    List<ExecutionInterceptor> interceptors) {
        Duration callTimeout = callTimeout(settings);
        builder.region(region(settings))
                .credentialsProvider(credentials(settings))
                .overrideConfiguration(ClientOverrideConfiguration.builder()
                        // Standard mode: 3 attempts with jittered backoff. DynamoDB's legacy default (9 attempts)
                        // would keep a provider waiting seconds before a 5xx it will retry anyway.
                        .retryStrategy(RetryMode.STANDARD)
                        .apiCallTimeout(callTimeout)
                        .executionInterceptors(List.copyOf(interceptors))
                        .build());
        endpoint(settings, serviceEnvName).map(URI::create).ifPresent(builder::endpointOverride);
        if (builder instanceof software.amazon.awssdk.core.client.builder.SdkSyncClientBuilder<?, ?> sync) {
            sync.httpClientBuilder(httpClient(callTimeout));
        }
        return builder;
    }

    private static Duration callTimeout(Settings settings) {
        return settings.get(CALL_TIMEOUT_SECONDS).map(Long::parseLong).map(Duration::ofSeconds).orElse(API_CALL_TIMEOUT);
    }

    public static Region region(Settings settings) {
        return Region.of(settings.get(Settings.AWS_REGION).orElse("us-east-1"));
    }

    private static UrlConnectionHttpClient.Builder httpClient(Duration callTimeout) {
        return UrlConnectionHttpClient.builder()
                .connectionTimeout(callTimeout.compareTo(API_CALL_TIMEOUT) > 0 ? callTimeout : Duration.ofSeconds(2))
                .socketTimeout(callTimeout.minusSeconds(1));
    }

    public static java.util.Optional<String> endpoint(Settings settings, String serviceEnvName) {
        return settings.get(Settings.AWS_ENDPOINT_URL + "_" + serviceEnvName).or(() -> settings.get(Settings.AWS_ENDPOINT_URL));
    }

    public static AwsCredentialsProvider credentials(Settings settings) {
        var accessKey = settings.get("AWS_ACCESS_KEY_ID");
        var secretKey = settings.get("AWS_SECRET_ACCESS_KEY");
        if (endpoint(settings, "DYNAMODB").isPresent() || endpoint(settings, "SQS").isPresent()) {
            // Local endpoints accept any key; an explicit one (LocalStack account scoping) is honoured.
            return StaticCredentialsProvider.create(AwsBasicCredentials.create(
                    accessKey.orElse("local"), secretKey.orElse("local")));
        }
        if (accessKey.isPresent() && secretKey.isPresent()) {
            // On Lambda these rotate (and change after a SnapStart restore): read them at each call.
            return EnvironmentVariableCredentialsProvider.create();
        }
        return DefaultCredentialsProvider.builder().build();
    }
}
