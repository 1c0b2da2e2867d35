-- Runs an Argo CD health check the way Argo CD runs one from argocd-cm (util/lua/lua.go): the global
-- `obj` is the resource, only the base and table libraries are there (no string, io or os, and no
-- string methods: Argo CD opens the string library only with useOpenLibs), and the chunk returns hs.
-- Usage: lua5.1 argocd-health.lua HEALTH_SCRIPT OBJECT_FILE
-- OBJECT_FILE is Lua returning the resource as a table (argocd-health.ts converts the JSON: Lua 5.1
-- has no JSON decoder). Prints hs as one JSON object {"status": ..., "message": ...}; exit 2 on error.
local scriptFile, objectFile = arg[1], arg[2]
local object = assert(loadfile(objectFile))()
local script = assert(loadfile(scriptFile))

local env = { obj = object, table = table }
local BASE = { "assert", "error", "getmetatable", "ipairs", "next", "pairs", "pcall", "rawequal", "rawget", "rawset", "select", "setmetatable", "tonumber", "tostring", "type", "unpack", "xpcall" }
for _, name in ipairs(BASE) do env[name] = _G[name] end
env._G = env
setfenv(script, env)

-- Strings share one metatable whose __index is the string library: without it ("x"):find() fails,
-- as it does in Argo CD.
local strings = getmetatable("")
local stringLibrary = strings.__index
strings.__index = nil
local ok, hs = pcall(script)
strings.__index = stringLibrary

local function fail(message)
  io.stderr:write(message .. "\n")
  os.exit(2)
end
if not ok then fail("the health script failed: " .. tostring(hs)) end
if type(hs) ~= "table" then fail("the health script returned " .. type(hs) .. ", not a table") end

local function quote(s)
  return '"' .. s:gsub('[%c"\\]', function(c) return string.format("\\u%04x", c:byte()) end) .. '"'
end
local out = {}
for key, value in pairs(hs) do
  if type(value) ~= "string" then fail("hs." .. tostring(key) .. " is a " .. type(value) .. ", not a string") end
  out[#out + 1] = quote(tostring(key)) .. ": " .. quote(value)
end
table.sort(out)
print("{" .. table.concat(out, ", ") .. "}")
