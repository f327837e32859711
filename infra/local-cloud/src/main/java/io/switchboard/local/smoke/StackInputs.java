package io.switchboard.local.smoke;

import com.fasterxml.jackson.databind.JsonNode;
import io.switchboard.core.json.Json;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.cloudformation.CloudFormationClient;
import software.amazon.awssdk.services.cloudformation.model.Output;
import software.amazon.awssdk.services.cloudformation.model.Parameter;
import software.amazon.awssdk.services.cloudformation.model.Stack;

/**
 * What the smoke command knows of a deployed stack: its outputs (webhook URLs, secret ARNs, the events queue) and the
 * parameters it was deployed with.
 *
 * @param name       the stack's name, or the outputs file's name
 * @param status     the stack's status (CREATE_COMPLETE...), or null when read from a file
 * @param outputs    OutputKey to OutputValue
 * @param parameters ParameterKey to ParameterValue (values CloudFormation hides, NoEcho, left out)
 */
record StackInputs(String name, String status, Map<String, String> outputs, Map<String, String> parameters) {

    /**
     * DescribeStacks of one stack: https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_DescribeStacks.html
     * (a stack that does not exist is a ValidationError).
     */
    static StackInputs describe(CloudFormationClient cloudFormation, String stackName, String region) {
        Stack stack;
        try {
            stack = cloudFormation.describeStacks(request -> request.stackName(stackName)).stacks().stream().findFirst()
                    .orElseThrow(() -> new SmokeProblem("stack " + stackName + " does not exist in " + region));
        } catch (AwsServiceException e) {
            String message = e.awsErrorDetails() != null ? e.awsErrorDetails().errorMessage() : e.getMessage();
            if (message != null && message.contains("does not exist")) {
                throw new SmokeProblem("stack " + stackName + " does not exist in " + region
                        + " (sam deploy's stack name; --region for another region)");
            }
            String code = e.awsErrorDetails() != null ? e.awsErrorDetails().errorCode() : "HTTP " + e.statusCode();
            throw new SmokeProblem("DescribeStacks " + stackName + ": " + code + (message == null ? "" : ": " + message));
        } catch (SdkClientException e) {
            throw SmokeProblem.of("CloudFormation", e);
        }
        Map<String, String> outputs = new LinkedHashMap<>();
        for (Output output : stack.outputs()) {
            outputs.put(output.outputKey(), output.outputValue());
        }
        Map<String, String> parameters = new LinkedHashMap<>();
        for (Parameter parameter : stack.parameters()) {
            // NoEcho parameters come back as asterisks: not their value.
            if (parameter.parameterValue() != null && !parameter.parameterValue().matches("\\*+")) {
                parameters.put(parameter.parameterKey(), parameter.parameterValue());
            }
        }
        return new StackInputs(stackName, stack.stackStatusAsString(), outputs, parameters);
    }

    /**
     * The outputs as {@code aws cloudformation describe-stacks --query 'Stacks[0].Outputs'} prints them (a list of
     * {OutputKey, OutputValue}), or the whole describe-stacks answer (its first stack's outputs and parameters).
     *
     * @param parameters the parameters the stack was deployed with (--parameter), over the file's
     */
    static StackInputs read(Path file, Map<String, String> parameters) {
        JsonNode root;
        try {
            root = Json.MAPPER.readTree(file.toFile());
        } catch (IOException e) {
            throw new SmokeProblem("--outputs " + file + " cannot be read: " + SmokeProblem.describe(e));
        }
        JsonNode stack = root.path("Stacks").path(0);
        JsonNode outputList = root.isArray() ? root : stack.path("Outputs");
        if (!outputList.isArray()) {
            throw new SmokeProblem("--outputs " + file + " is not a list of {OutputKey, OutputValue} (aws cloudformation "
                    + "describe-stacks --stack-name NAME --query 'Stacks[0].Outputs')");
        }
        Map<String, String> outputs = new LinkedHashMap<>();
        outputList.forEach(output -> {
            if (output.path("OutputKey").isTextual()) {
                outputs.put(output.path("OutputKey").asText(), output.path("OutputValue").asText(""));
            }
        });
        Map<String, String> given = new LinkedHashMap<>();
        stack.path("Parameters").forEach(parameter -> {
            String value = parameter.path("ParameterValue").asText("");
            if (parameter.path("ParameterKey").isTextual() && !value.matches("\\*+")) {
                given.put(parameter.path("ParameterKey").asText(), value);
            }
        });
        given.putAll(parameters);
        String status = stack.path("StackStatus").isTextual() ? stack.path("StackStatus").asText() : null;
        String name = stack.path("StackName").asText(file.getFileName().toString());
        return new StackInputs(name, status, outputs, given);
    }

    /**
     * The base URL a sample's path is sent to: the part before {@code /webhooks/} of the output whose webhook path is
     * the longest prefix of the sample's (a channel's webhook URL output for {@code /webhooks/<channel>}, a base URL
     * output for the routes under it), or null when no output serves the path.
     */
    String webhookBase(String samplePath) {
        String best = null;
        int bestLength = -1;
        for (String value : outputs.values()) {
            int webhooks = value == null ? -1 : value.indexOf("/webhooks/");
            if (webhooks < 0) {
                continue;
            }
            String path = value.substring(webhooks).replaceAll("/+$", "");
            if ((samplePath.equals(path) || samplePath.startsWith(path + "/")) && path.length() > bestLength) {
                best = value.substring(0, webhooks);
                bestLength = path.length();
            }
        }
        return best;
    }
}
