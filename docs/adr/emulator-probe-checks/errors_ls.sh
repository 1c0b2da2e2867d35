#!/usr/bin/env bash
# probe_errors.sh adapted: EP=4599 and a fresh 12-digit account key
EP=http://127.0.0.1:4599; K=$(printf '%012d' $((RANDOM*RANDOM+100000000000)))
AUTH_AG="AWS4-HMAC-SHA256 Credential=$K/20240101/us-east-1/apigateway/aws4_request, SignedHeaders=host, Signature=0"
AUTH_IAM="AWS4-HMAC-SHA256 Credential=$K/20240101/us-east-1/iam/aws4_request, SignedHeaders=host, Signature=0"
show() { echo "### $1"; shift; curl -s -i "$@" | tr -d '\r' | grep -iv '^\(date\|server\|connection\|access-control\|content-length\|x-amz-request\|x-amz-id\|x-amzn-requestid\)'; echo; }
echo "account key $K"
API=$(curl -s -X POST -H "Authorization: $AUTH_AG" -H 'Content-Type: application/json' -d '{"name":"errs"}' $EP/restapis | python3 -c 'import sys,json;print(json.load(sys.stdin)["id"])')
ROOT=$(curl -s -H "Authorization: $AUTH_AG" $EP/restapis/$API/resources | python3 -c 'import sys,json;print(json.load(sys.stdin)["item"][0]["id"])')
curl -s -X POST -H "Authorization: $AUTH_AG" -H 'Content-Type: application/json' -d '{"name":"k","value":"0123456789abcdefghijKLMN"}' $EP/apikeys >/dev/null
show "apigw NotFound (get missing rest api)" -H "Authorization: $AUTH_AG" $EP/restapis/doesnotexist
show "apigw get missing deployment" -H "Authorization: $AUTH_AG" $EP/restapis/$API/deployments/nodep
show "apigw Conflict (duplicate api key value)" -X POST -H "Authorization: $AUTH_AG" -H 'Content-Type: application/json' -d '{"name":"k2","value":"0123456789abcdefghijKLMN"}' $EP/apikeys
show "apigw BadRequest (invalid pathPart)" -X POST -H "Authorization: $AUTH_AG" -H 'Content-Type: application/json' -d '{"pathPart":"a b"}' $EP/restapis/$API/resources/$ROOT
show "apigw ValidationException (bad endpoint type)" -X POST -H "Authorization: $AUTH_AG" -H 'Content-Type: application/json' -d '{"name":"x","endpointConfiguration":{"types":["FOO"]}}' $EP/restapis
show "apigw update_method on missing method" -X PATCH -H "Authorization: $AUTH_AG" -H 'Content-Type: application/json' -d '{"patchOperations":[]}' $EP/restapis/$API/resources/$ROOT/methods/GET
show "apigw get_usage" -H "Authorization: $AUTH_AG" "$EP/usageplans/x/usage?startDate=2024-01-01&endDate=2024-01-02"
show "apigw delete_rest_api twice (2nd)" -X DELETE -H "Authorization: $AUTH_AG" $EP/restapis/doesnotexist
show "iam NoSuchEntity" -X POST -H "Authorization: $AUTH_IAM" -H 'Content-Type: application/x-www-form-urlencoded' -d 'Action=GetRole&Version=2010-05-08&RoleName=nope' $EP/
show "iam SimulatePrincipalPolicy" -X POST -H "Authorization: $AUTH_IAM" -H 'Content-Type: application/x-www-form-urlencoded' -d "Action=SimulatePrincipalPolicy&Version=2010-05-08&PolicySourceArn=arn:aws:iam::$K:role/x&ActionNames.member.1=s3:GetObject" $EP/
show "moto-only POST /moto-api/reset" -X POST $EP/moto-api/reset
show "moto-only POST /moto-api/seed?a=42" -X POST "$EP/moto-api/seed?a=42"
