"""Transforms a SAM template the way CloudFormation's AWS::Serverless transform does (samtranslator, the library
cfn-lint ships with), after standing in for `sam package`: local CodeUri paths become s3:// URIs, as the upload
would make them. Prints the CloudFormation template as JSON; exits non-zero with the translator's errors."""
import json
import sys

from samtranslator.parser import parser
from samtranslator.translator.translator import Translator
from samtranslator.yaml_helper import yaml_parse

with open(sys.argv[1]) as source:
    template = yaml_parse(source.read())
for resource in template.get("Resources", {}).values():
    properties = resource.get("Properties") or {}
    if resource.get("Type") == "AWS::Serverless::Function" and isinstance(properties.get("CodeUri"), str):
        properties["CodeUri"] = "s3://deployment-bucket/" + properties["CodeUri"]
# The managed policies SAM attaches by name (no IAM call: their ARNs are fixed).
policies = {
    "AWSLambdaBasicExecutionRole": "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole",
    "AWSXrayWriteOnlyAccess": "arn:aws:iam::aws:policy/AWSXrayWriteOnlyAccess",
}
output = Translator(managed_policy_map=policies, sam_parser=parser.Parser()).translate(
    sam_template=template, parameter_values={"AWS::Region": "us-east-1"})
print(json.dumps(output))
