{{/* Names: a release named restpath-operator (or containing it) gets exactly deploy/'s names. */}}
{{- define "restpath-operator.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "restpath-operator.fullname" -}}
{{- if .Values.fullnameOverride -}}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- $name := default .Chart.Name .Values.nameOverride -}}
{{- if contains $name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{- define "restpath-operator.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}
{{- default (include "restpath-operator.fullname" .) .Values.serviceAccount.name -}}
{{- else -}}
{{- required "serviceAccount.name: the ServiceAccount to run as, when serviceAccount.create is false" .Values.serviceAccount.name -}}
{{- end -}}
{{- end -}}

{{/* The Pods' selector: stable across upgrades (a Deployment's selector cannot change). */}}
{{- define "restpath-operator.selectorLabels" -}}
app.kubernetes.io/name: {{ include "restpath-operator.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{- define "restpath-operator.labels" -}}
{{ include "restpath-operator.selectorLabels" . }}
app.kubernetes.io/version: {{ .Values.image.tag | default .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end -}}

{{- define "restpath-operator.image" -}}
{{- printf "%s:%s" .Values.image.repository (.Values.image.tag | default .Chart.AppVersion) -}}
{{- end -}}

{{/* DEFAULT_TAGS as the operator parses it: k=v pairs, comma-separated, in key order. */}}
{{- define "restpath-operator.tags" -}}
{{- $pairs := list -}}
{{- range $k, $v := . -}}
{{- $pairs = append $pairs (printf "%s=%s" $k $v) -}}
{{- end -}}
{{- join "," $pairs -}}
{{- end -}}

{{/* The leader-election Lease the operator takes (leaseName in src/cli/controller.ts): LEADER_ELECTION_ID,
else restpath-operator, with a hash of the sorted namespaces and the selector (blanks removed) when
a selector is set. The NOTES name it; test/integration/helm-chart.test.ts checks it against the operator's. */}}
{{- define "restpath-operator.leaseName" -}}
{{- $c := .Values.controller -}}
{{- if $c.leaderElectionId -}}
{{- $c.leaderElectionId -}}
{{- else if $c.selector -}}
{{- $shard := list (sortAlpha $c.watchNamespaces) (regexReplaceAll "\\s+" $c.selector "") | toJson | sha256sum | trunc 10 -}}
{{- printf "restpath-operator-%s" $shard -}}
{{- else -}}
restpath-operator
{{- end -}}
{{- end -}}
