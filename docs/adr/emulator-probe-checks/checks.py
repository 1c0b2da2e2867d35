import boto3, json, random, time, collections
from botocore.config import Config
from botocore.exceptions import ClientError
EP="http://127.0.0.1:4599"
CFG=Config(retries={"total_max_attempts":1})
def acct(): return "%012d" % random.randint(10**11, 10**12-1)
def cl(svc, a): return boto3.client(svc, endpoint_url=EP, region_name="us-east-1", aws_access_key_id=a, aws_secret_access_key="test", config=CFG)
def T(label, fn):
    try:
        r=fn(); 
        if isinstance(r,dict): r.pop("ResponseMetadata",None)
        print(f"[OK] {label}: {json.dumps(r,default=str)[:700]}"); return r
    except ClientError as e:
        print(f"[ERR {e.response['ResponseMetadata']['HTTPStatusCode']}] {label}: {e.response['Error'].get('Code')}: {e.response['Error'].get('Message')}"); return None
def base(a):
    ag=cl("apigateway",a); api=ag.create_rest_api(name="c",tags={"owner":"op"})["id"]
    root=ag.get_resources(restApiId=api)["items"][0]["id"]; return ag,api,root

print("== C0 account mapping"); a=acct(); print("key",a,"-> sts account", cl("sts",a).get_caller_identity()["Account"])

print("== C1 update-method / update-integration persist"); a=acct(); ag,api,root=base(a)
r=ag.create_resource(restApiId=api,parentId=root,pathPart="o")["id"]
ag.put_method(restApiId=api,resourceId=r,httpMethod="GET",authorizationType="NONE",apiKeyRequired=True,requestParameters={"method.request.querystring.q":False})
ag.put_integration(restApiId=api,resourceId=r,httpMethod="GET",type="HTTP",integrationHttpMethod="GET",uri="http://example.com/a",timeoutInMillis=5000)
T("update_method", lambda: ag.update_method(restApiId=api,resourceId=r,httpMethod="GET",patchOperations=[{"op":"replace","path":"/apiKeyRequired","value":"false"},{"op":"add","path":"/requestParameters/method.request.header.X-Foo","value":"true"},{"op":"remove","path":"/requestParameters/method.request.querystring.q"}]))
T("get_method after", lambda: ag.get_method(restApiId=api,resourceId=r,httpMethod="GET"))
T("update_integration", lambda: ag.update_integration(restApiId=api,resourceId=r,httpMethod="GET",patchOperations=[{"op":"replace","path":"/uri","value":"http://example.org/b"},{"op":"replace","path":"/timeoutInMillis","value":"10000"}]))
T("get_integration after", lambda: ag.get_integration(restApiId=api,resourceId=r,httpMethod="GET"))
T("update_method bogus path /foo (AWS 400)", lambda: ag.update_method(restApiId=api,resourceId=r,httpMethod="GET",patchOperations=[{"op":"replace","path":"/foo","value":"x"}]))
T("update_method on missing method (AWS 404)", lambda: ag.update_method(restApiId=api,resourceId=r,httpMethod="PUT",patchOperations=[{"op":"replace","path":"/apiKeyRequired","value":"false"}]))

print("== C2 binaryMediaTypes add"); 
T("update_rest_api add /binaryMediaTypes/image~1jpeg", lambda: ag.update_rest_api(restApiId=api,patchOperations=[{"op":"add","path":"/binaryMediaTypes/image~1jpeg"}]).get("binaryMediaTypes"))
T("get_rest_api binaryMediaTypes", lambda: {"b":ag.get_rest_api(restApiId=api).get("binaryMediaTypes")})

print("== C3 tags on REST API ARN"); ARN=f"arn:aws:apigateway:us-east-1::/restapis/{api}"
T("get_tags right after create_rest_api(tags owner=op)", lambda: ag.get_tags(resourceArn=ARN))
T("tag_resource new=tag", lambda: ag.tag_resource(resourceArn=ARN,tags={"new":"tag"}))
T("get_tags", lambda: ag.get_tags(resourceArn=ARN))
T("get_rest_api tags", lambda: {"tags":ag.get_rest_api(restApiId=api).get("tags")})
T("untag owner", lambda: ag.untag_resource(resourceArn=ARN,tagKeys=["owner"]))
T("get_rest_api tags after untag owner", lambda: {"tags":ag.get_rest_api(restApiId=api).get("tags")})
T("get_tags after untag owner", lambda: ag.get_tags(resourceArn=ARN))

print("== C4 conflicts"); 
T("create_resource dup /o (AWS 409)", lambda: ag.create_resource(restApiId=api,parentId=root,pathPart="o"))
T("put_method GET again (AWS 409)", lambda: ag.put_method(restApiId=api,resourceId=r,httpMethod="GET",authorizationType="NONE"))
T("get_integration after re-put", lambda: ag.get_integration(restApiId=api,resourceId=r,httpMethod="GET"))
T("get_resources paths", lambda: sorted(x["path"] for x in ag.get_resources(restApiId=api)["items"]))

print("== C5 deployment snapshot / redeploy"); a=acct(); ag,api,root=base(a)
r=ag.create_resource(restApiId=api,parentId=root,pathPart="o")["id"]
for m in ("GET","POST"):
    ag.put_method(restApiId=api,resourceId=r,httpMethod=m,authorizationType="NONE"); ag.put_integration(restApiId=api,resourceId=r,httpMethod=m,type="MOCK")
d=ag.create_deployment(restApiId=api,stageName="prod",variables={"v0":"x"})["id"]
T("get_deployment embed apisummary", lambda: ag.get_deployment(restApiId=api,deploymentId=d,embed=["apisummary"]))
ag.update_stage(restApiId=api,stageName="prod",patchOperations=[{"op":"replace","path":"/*/*/throttling/rateLimit","value":"7"},{"op":"replace","path":"/*/*/throttling/burstLimit","value":"8"},{"op":"replace","path":"/~1o/GET/throttling/rateLimit","value":"3"},{"op":"replace","path":"/variables/v","value":"1"}])
SARN=f"arn:aws:apigateway:us-east-1::/restapis/{api}/stages/prod"
ag.tag_resource(resourceArn=SARN,tags={"keep":"me"})
T("get_stage before redeploy", lambda: {k:v for k,v in ag.get_stage(restApiId=api,stageName="prod").items() if k in("deploymentId","methodSettings","variables","tags")})
T("get_tags stage before", lambda: ag.get_tags(resourceArn=SARN))
T("create_deployment again to prod", lambda: ag.create_deployment(restApiId=api,stageName="prod"))
T("get_stage after redeploy", lambda: {k:v for k,v in ag.get_stage(restApiId=api,stageName="prod").items() if k in("deploymentId","methodSettings","variables","tags")})
T("get_tags stage after", lambda: ag.get_tags(resourceArn=SARN))
print("-- workaround path: deployment without stage + update-stage /deploymentId")
ag.update_stage(restApiId=api,stageName="prod",patchOperations=[{"op":"replace","path":"/*/*/throttling/rateLimit","value":"7"},{"op":"replace","path":"/variables/v","value":"1"}])
d3=ag.create_deployment(restApiId=api)["id"]
T("update_stage /deploymentId", lambda: {k:v for k,v in ag.update_stage(restApiId=api,stageName="prod",patchOperations=[{"op":"replace","path":"/deploymentId","value":d3}]).items() if k in("deploymentId","methodSettings","variables")})

print("== C6 update_stage remove method setting")
T("remove /*/*/throttling/rateLimit", lambda: ag.update_stage(restApiId=api,stageName="prod",patchOperations=[{"op":"remove","path":"/*/*/throttling/rateLimit"}]).get("methodSettings"))
T("remove /~1o/GET (whole setting)", lambda: ag.update_stage(restApiId=api,stageName="prod",patchOperations=[{"op":"remove","path":"/~1o/GET"}]).get("methodSettings"))
T("remove /*/* (whole setting)", lambda: ag.update_stage(restApiId=api,stageName="prod",patchOperations=[{"op":"remove","path":"/*/*"}]).get("methodSettings"))
T("remove /variables/v", lambda: ag.update_stage(restApiId=api,stageName="prod",patchOperations=[{"op":"remove","path":"/variables/v"}]).get("variables"))

print("== C7 gateway responses fresh")
a=acct(); ag,api,root=base(a)
r=T("get_gateway_responses fresh", lambda: ag.get_gateway_responses(restApiId=api))
if r: print("   count",len(r["items"]), "MISSING_AUTHENTICATION_TOKEN:", [ (x["statusCode"],x.get("defaultResponse")) for x in r["items"] if x["responseType"]=="MISSING_AUTHENTICATION_TOKEN"], "types", sorted(x["responseType"] for x in r["items"]))
T("get_gateway_response ACCESS_DENIED fresh", lambda: ag.get_gateway_response(restApiId=api,responseType="ACCESS_DENIED"))
T("get_gateway_responses limit=5", lambda: len(ag.get_gateway_responses(restApiId=api,limit=5)["items"]))

print("== C8 pagination")
for i in range(30): ag.create_resource(restApiId=api,parentId=root,pathPart=f"p{i}")
T("get_resources limit=5", lambda: (lambda x:(len(x["items"]),x.get("position")))(ag.get_resources(restApiId=api,limit=5)))
T("get_resources default (AWS default page 25)", lambda: (lambda x:(len(x["items"]),x.get("position")))(ag.get_resources(restApiId=api)))
for i in range(3): ag.create_rest_api(name=f"x{i}")
T("get_rest_apis limit=1", lambda: (lambda x:(len(x["items"]),x.get("position")))(ag.get_rest_apis(limit=1)))
T("get_resources no embed: resourceMethods shape", lambda: (ag.put_method(restApiId=api,resourceId=root,httpMethod="GET",authorizationType="NONE"), [x.get("resourceMethods") for x in ag.get_resources(restApiId=api)["items"] if x["path"]=="/"])[1])

print("== C9 bad parentId / cascade / root delete")
a=acct(); ag,api,root=base(a)
T("create_resource parentId=nope", lambda: ag.create_resource(restApiId=api,parentId="nope123",pathPart="z"))
T("get_resources after", lambda: [x["path"] for x in ag.get_resources(restApiId=api)["items"]])
p=ag.create_resource(restApiId=api,parentId=root,pathPart="p")["id"]; c=ag.create_resource(restApiId=api,parentId=p,pathPart="c")["id"]
ag.put_method(restApiId=api,resourceId=c,httpMethod="GET",authorizationType="NONE")
T("delete_resource /p", lambda: ag.delete_resource(restApiId=api,resourceId=p))
T("get_resource /p/c", lambda: ag.get_resource(restApiId=api,resourceId=c))
T("get_resources after cascade", lambda: [x["path"] for x in ag.get_resources(restApiId=api)["items"]])
T("delete_resource root (AWS 400)", lambda: ag.delete_resource(restApiId=api,resourceId=root))
T("get_resources after root delete attempt", lambda: [x["path"] for x in ag.get_resources(restApiId=api)["items"]])

print("== C10 usage plans / usage / keys")
a=acct(); ag,api,root=base(a)
r=ag.create_resource(restApiId=api,parentId=root,pathPart="o")["id"]; ag.put_method(restApiId=api,resourceId=r,httpMethod="GET",authorizationType="NONE"); ag.put_integration(restApiId=api,resourceId=r,httpMethod="GET",type="MOCK")
ag.create_deployment(restApiId=api,stageName="prod")
up=ag.create_usage_plan(name="g",apiStages=[{"apiId":api,"stage":"prod"}],throttle={"rateLimit":5,"burstLimit":10})["id"]
T("update_usage_plan replace per-method /apiStages/API:prod/throttle/~1o~1GET/rateLimit", lambda: ag.update_usage_plan(usagePlanId=up,patchOperations=[{"op":"replace","path":f"/apiStages/{api}:prod/throttle/~1o~1GET/rateLimit","value":"9"}])["apiStages"])
T("update_usage_plan add /apiStages/API:prod/throttle/~1o~1GET", lambda: ag.update_usage_plan(usagePlanId=up,patchOperations=[{"op":"add","path":f"/apiStages/{api}:prod/throttle/~1o~1GET","value":'{"rateLimit":2,"burstLimit":4}'}])["apiStages"])
T("update_usage_plan replace /apiStages/API:prod/throttle", lambda: ag.update_usage_plan(usagePlanId=up,patchOperations=[{"op":"replace","path":f"/apiStages/{api}:prod/throttle","value":'{"/o/GET":{"rateLimit":2,"burstLimit":4}}'}])["apiStages"])
T("get_usage_plan", lambda: ag.get_usage_plan(usagePlanId=up)["apiStages"])
k=ag.create_api_key(name="k",value="abcdefghijklmnopqrstuvwxyz0123",enabled=True)["id"]
ag.create_usage_plan_key(usagePlanId=up,keyId=k,keyType="API_KEY")
T("create_usage_plan_key dup (AWS 409)", lambda: ag.create_usage_plan_key(usagePlanId=up,keyId=k,keyType="API_KEY"))
T("get_usage", lambda: ag.get_usage(usagePlanId=up,startDate="2024-01-01",endDate="2024-01-02"))
T("create_api_key dup value (AWS 409)", lambda: ag.create_api_key(name="k2",value="abcdefghijklmnopqrstuvwxyz0123"))
T("create_api_key short value (AWS 400)", lambda: ag.create_api_key(name="k3",value="short"))

print("== C11 IAM")
a=acct(); iam=cl("iam",a)
TR=json.dumps({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"apigateway.amazonaws.com"},"Action":"sts:AssumeRole"}]})
iam.create_role(RoleName="r",AssumeRolePolicyDocument=TR)
T("attach AWSLambdaRole", lambda: iam.attach_role_policy(RoleName="r",PolicyArn="arn:aws:iam::aws:policy/service-role/AWSLambdaRole"))
T("list_attached", lambda: iam.list_attached_role_policies(RoleName="r")["AttachedPolicies"])
T("create_role malformed json", lambda: iam.create_role(RoleName="b1",AssumeRolePolicyDocument="{not json"))
T("create_role no Principal", lambda: iam.create_role(RoleName="b2",AssumeRolePolicyDocument=json.dumps({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sts:AssumeRole"}]})))
T("create_role Effect=Maybe", lambda: iam.create_role(RoleName="b3",AssumeRolePolicyDocument=json.dumps({"Version":"2012-10-17","Statement":[{"Effect":"Maybe","Principal":{"Service":"x"},"Action":"sts:AssumeRole"}]})))
T("update_assume_role_policy malformed", lambda: iam.update_assume_role_policy(RoleName="r",PolicyDocument="{bad"))
iam.create_role(RoleName="r2",AssumeRolePolicyDocument=TR)
iam.put_role_policy(RoleName="r2",PolicyName="i",PolicyDocument=json.dumps({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"lambda:InvokeFunction","Resource":"*"}]}))
arn2=iam.get_role(RoleName="r2")["Role"]["Arn"]
T("simulate_principal_policy inline-only role allowed", lambda: [(x["EvalActionName"],x["EvalDecision"]) for x in iam.simulate_principal_policy(PolicySourceArn=arn2,ActionNames=["lambda:InvokeFunction","s3:GetObject"])["EvaluationResults"]])
arn1=iam.get_role(RoleName="r")["Role"]["Arn"]
T("simulate_principal_policy role with AWS managed attached", lambda: iam.simulate_principal_policy(PolicySourceArn=arn1,ActionNames=["lambda:InvokeFunction"]))

print("== C12 throttling burst")
a=acct(); ag,api,root=base(a); c=collections.Counter(); errs=collections.Counter()
t0=time.perf_counter()
for i in range(300):
    try: c[ag.get_rest_api(restApiId=api)["ResponseMetadata"]["HTTPStatusCode"]]+=1
    except ClientError as e: errs[e.response["Error"]["Code"]]+=1
print("300 get_rest_api:",dict(c),dict(errs),"%.2fs"%(time.perf_counter()-t0))
c=collections.Counter()
for i in range(60):
    try: ag.create_resource(restApiId=api,parentId=root,pathPart=f"q{i}"); c["ok"]+=1
    except ClientError as e: c[e.response["Error"]["Code"]]+=1
print("60 create_resource back-to-back:",dict(c))
r=ag.create_resource(restApiId=api,parentId=root,pathPart="m")["id"]; ag.put_method(restApiId=api,resourceId=r,httpMethod="GET",authorizationType="NONE"); ag.put_integration(restApiId=api,resourceId=r,httpMethod="GET",type="MOCK")
c=collections.Counter()
for i in range(10):
    try: ag.create_deployment(restApiId=api,stageName="s"); c["ok"]+=1
    except ClientError as e: c[e.response["Error"]["Code"]]+=1
print("10 create_deployment back-to-back (AWS 1 per 5s):",dict(c))
