-- Argo CD health check for AwsAccount (apigateway.restpath.dev/v1alpha1) of restpath-operator.
-- Installed through deploy/argocd/argocd-cm.yaml; the states and messages are in docs/gitops-argocd.md.
-- Argo CD runs it in gopher-lua (Lua 5.1) with the global `obj` set to the resource and only the base
-- and table libraries (no string library without useOpenLibs): it compares and concatenates, no more.

-- An AwsAccount carries no runbook conditions: Ready says whether the operator can assume its role
-- (RoleAssumed), Stalled=True why not (AssumeRoleFailed, with the aws command that checks it).
local RUNBOOK = {}
-- The operator does not pause an AwsAccount (restpath.dev/paused applies to a RestApi and its paths).
local PAUSE_ON_OBJECT = false

-- From here on the five health checks are identical (test/unit/argocd/health.test.ts checks it).
-- Order: not observed yet > Stalled or a failing runbook check > paused > Reconciling > Ready.
-- A failure beats a pause: a paused object that only a person can fix (a Conflict, a check clients
-- hit) must not look merely suspended.
local NOT_BLOCKING = { DeploymentPending = true, CanaryOnly = true, QuotaExhausted = true, PlanLimitUnreachable = true }

-- Numbers arrive as Lua numbers; tonumber also accepts them as strings, and nil stays nil.
local function number(v)
  if v == nil then return nil end
  return tonumber(v)
end

local generation = number(obj.metadata.generation) or 0
local status = obj.status or {}
local observed = number(status.observedGeneration) or 0
local annotations = obj.metadata.annotations or {}

-- The condition of this type, if it describes the current generation (an older one is stale).
local function condition(name)
  for _, c in ipairs(status.conditions or {}) do
    if c.type == name then
      local at = number(c.observedGeneration)
      if at ~= nil and at ~= generation then return nil end
      return c
    end
  end
  return nil
end

local function is(c, value) return c ~= nil and c.status == value end

-- "Reason: message", as the operator's conditions carry both.
local function describe(c)
  local reason, message = c.reason or "", c.message or ""
  if reason == "" then return message end
  if message == "" then return reason end
  return reason .. ": " .. message
end

-- The first runbook condition that is False and holds Ready back (blocking) or does not.
local function runbookFalse(blocking)
  for _, name in ipairs(RUNBOOK) do
    local c = condition(name)
    if is(c, "False") and (NOT_BLOCKING[c.reason] == nil) == blocking then return c end
  end
  return nil
end

local function runbookMessage(c) return c.type .. "=False, " .. describe(c) end

local function assess()
  if observed == 0 then
    return "Progressing", "Waiting for the operator's first status of generation " .. generation .. "."
  end
  if observed < generation then
    return "Progressing", "Waiting for the operator to observe generation " .. generation .. "; the status describes generation " .. observed .. "."
  end
  local stalled, synced, reconciling, ready = condition("Stalled"), condition("Synced"), condition("Reconciling"), condition("Ready")
  local failing = runbookFalse(true)
  if is(stalled, "True") then
    -- Stalled by a runbook check repeats its reason: name the condition, which docs/runbook.md explains.
    if failing ~= nil and failing.reason == stalled.reason then return "Degraded", runbookMessage(failing) end
    return "Degraded", describe(stalled)
  end
  if failing ~= nil and not is(reconciling, "True") then return "Degraded", runbookMessage(failing) end
  local pausedInStatus = is(synced, "False") and synced.reason == "Paused"
  if PAUSE_ON_OBJECT then
    local annotated = annotations["restpath.dev/paused"] == "true"
    if annotated and pausedInStatus then return "Suspended", synced.message end
    if annotated then
      return "Suspended", "Writes to AWS are paused by the annotation restpath.dev/paused=true; the operator has not reconciled since it was set."
    end
    if pausedInStatus then
      return "Progressing", "The annotation restpath.dev/paused=true was removed; waiting for the operator to resume writes to AWS."
    end
  elseif pausedInStatus then
    return "Suspended", synced.message
  end
  if is(reconciling, "True") then return "Progressing", describe(reconciling) end
  if is(ready, "True") then
    local note = runbookFalse(false)
    if note ~= nil then return "Healthy", (ready.message or "") .. " " .. runbookMessage(note) end
    return "Healthy", ready.message or "Ready"
  end
  if ready ~= nil then return "Progressing", describe(ready) end
  return "Progressing", "Waiting for the operator's Ready condition of generation " .. generation .. "."
end

local hs = {}
hs.status, hs.message = assess()
return hs
