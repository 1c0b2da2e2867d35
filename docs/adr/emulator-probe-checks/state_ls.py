import boto3, random, urllib.request, json
from botocore.config import Config
from botocore.exceptions import ClientError
EP="http://127.0.0.1:4599"; CFG=Config(retries={"total_max_attempts":1})
def cl(svc,k,region="us-east-1",**kw): return boto3.client(svc,endpoint_url=EP,region_name=region,aws_access_key_id=k,aws_secret_access_key="test",config=CFG,**kw)
k="%012d"%random.randint(10**11,10**12-1)
ag=cl("apigateway",k); ag.create_rest_api(name="before-reset")
r=urllib.request.urlopen(urllib.request.Request(EP+"/moto-api/reset",method="POST",data=b"")); print("POST /moto-api/reset ->",r.status,repr(r.read()[:80]))
print("after /moto-api/reset, account",k,"still sees:",[a["name"] for a in ag.get_rest_apis()["items"]])
print("us-west-2 same key sees:",[a["name"] for a in cl("apigateway",k,"us-west-2").get_rest_apis()["items"]])
print("AKIAIOSFODNN7EXAMPLE -> account", cl("sts","AKIAIOSFODNN7EXAMPLE").get_caller_identity()["Account"])
# x-moto-account-id header (what probe_state.py does)
k2="%012d"%random.randint(10**11,10**12-1)
c=cl("apigateway",k2)
c.meta.events.register("before-sign.*.*", lambda request, **kw: request.headers.__setitem__("x-moto-account-id","222222222222"))
try: print("create_rest_api with x-moto-account-id:",c.create_rest_api(name="hdr")["id"])
except ClientError as e: print("create_rest_api with x-moto-account-id header -> ERR",e.response["ResponseMetadata"]["HTTPStatusCode"],e.response["Error"])
# assume-role credentials -> account?
creds=cl("sts",k).assume_role(RoleArn="arn:aws:iam::333333333333:role/x",RoleSessionName="sess")["Credentials"]
sts3=boto3.client("sts",endpoint_url=EP,region_name="us-east-1",aws_access_key_id=creds["AccessKeyId"],aws_secret_access_key=creds["SecretAccessKey"],aws_session_token=creds["SessionToken"])
print("assume-role creds caller account:",sts3.get_caller_identity()["Account"], "AccessKeyId prefix", creds["AccessKeyId"][:4])
# _custom_id_ tag
a=ag.create_rest_api(name="custom",tags={"_custom_id_":"myfixedid"}); print("_custom_id_ tag -> id",a["id"])
