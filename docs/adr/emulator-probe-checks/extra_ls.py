import boto3, random, json, urllib.request, urllib.error
from botocore.config import Config
from botocore.exceptions import ClientError
EP="http://127.0.0.1:4599"; CFG=Config(retries={"total_max_attempts":1})
k="%012d"%random.randint(10**11,10**12-1)
ag=boto3.client("apigateway",endpoint_url=EP,region_name="us-east-1",aws_access_key_id=k,aws_secret_access_key="test",config=CFG)
def T(l,f):
    try: r=f(); r.pop("ResponseMetadata",None) if isinstance(r,dict) else None; print("[OK]",l,json.dumps(r,default=str)[:400])
    except ClientError as e: print(f"[ERR {e.response['ResponseMetadata']['HTTPStatusCode']}]",l,e.response["Error"])
api=ag.create_rest_api(name="x")["id"]; root=ag.get_resources(restApiId=api)["items"][0]["id"]
m=ag.create_resource(restApiId=api,parentId=root,pathPart="mock")["id"]
ag.put_method(restApiId=api,resourceId=m,httpMethod="GET",authorizationType="NONE")
T("put_integration same-account creds for nonexistent role", lambda: ag.put_integration(restApiId=api,resourceId=m,httpMethod="GET",type="AWS",integrationHttpMethod="POST",uri="arn:aws:apigateway:us-east-1:sqs:path/%s/q"%k,credentials=f"arn:aws:iam::{k}:role/never"))
T("put_integration timeoutInMillis=10", lambda: ag.put_integration(restApiId=api,resourceId=m,httpMethod="GET",type="MOCK",timeoutInMillis=10))
T("get_integration missing on fresh method", lambda: (ag.put_method(restApiId=api,resourceId=root,httpMethod="GET",authorizationType="NONE"), ag.get_integration(restApiId=api,resourceId=root,httpMethod="GET"))[1])
ag.put_integration(restApiId=api,resourceId=m,httpMethod="GET",type="MOCK",requestTemplates={"application/json":'{"statusCode": 200}'})
ag.put_method_response(restApiId=api,resourceId=m,httpMethod="GET",statusCode="200")
ag.put_integration_response(restApiId=api,resourceId=m,httpMethod="GET",statusCode="200",responseTemplates={"application/json":'{"mocked": true}'})
ag.put_integration(restApiId=api,resourceId=root,httpMethod="GET",type="MOCK",requestTemplates={"application/json":'{"statusCode": 200}'})
ag.create_deployment(restApiId=api,stageName="test")
def get(url,host=None):
    req=urllib.request.Request(url,headers={"Host":host} if host else {})
    try:
        with urllib.request.urlopen(req,timeout=5) as r: return r.status, r.read()[:120]
    except urllib.error.HTTPError as e: return e.code, e.read()[:120], e.headers.get("x-amzn-errortype")
print("_user_request_ /mock:", get(f"{EP}/restapis/{api}/test/_user_request_/mock"))
print("Host execute-api /test/mock:", get(f"{EP}/test/mock", f"{api}.execute-api.us-east-1.amazonaws.com"))
print("Host execute-api.localhost.localstack.cloud:4599 /test/mock:", get(f"{EP}/test/mock", f"{api}.execute-api.localhost.localstack.cloud:4599"))
print("unknown path /test/nope:", get(f"{EP}/restapis/{api}/test/_user_request_/nope"))
print("unknown stage /nostage/mock:", get(f"{EP}/restapis/{api}/nostage/_user_request_/mock"))
