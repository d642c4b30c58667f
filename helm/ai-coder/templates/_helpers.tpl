{{/* Names, labels and the values several templates share. */}}

{{- define "ai-coder.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "ai-coder.fullname" -}}
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

{{/* The name of one component's objects: (dict "root" $ "name" "gateway"). */}}
{{- define "ai-coder.componentName" -}}
{{- printf "%s-%s" (include "ai-coder.fullname" .root) .name | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* The headless Service of one component, listing each pod: (dict "root" $ "name" "gateway"). */}}
{{- define "ai-coder.headlessName" -}}
{{- printf "%s-%s-headless" (include "ai-coder.fullname" .root) .name | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* The metrics service's scrape targets: service=dns+http://<headless>:<port>/q/metrics for each
     enabled service; dns+ makes it resolve every address of the name and scrape each pod. */}}
{{- define "ai-coder.metricsTargets" -}}
{{- $targets := list -}}
{{- range $name, $svc := .Values.services -}}
{{- if $svc.enabled -}}
{{- $targets = append $targets (printf "%s=dns+http://%s:%v/q/metrics" $name (include "ai-coder.headlessName" (dict "root" $ "name" $name)) $svc.port) -}}
{{- end -}}
{{- end -}}
{{- join "," $targets -}}
{{- end -}}

{{/* The TCP port of performance.prometheusUrl: its own, else 443 for https and 80 for http. */}}
{{- define "ai-coder.prometheusPort" -}}
{{- $url := urlParse .Values.performance.prometheusUrl -}}
{{- $port := regexFind ":[0-9]+$" $url.host | trimPrefix ":" -}}
{{- if $port -}}{{ $port }}{{- else if eq $url.scheme "https" -}}443{{- else -}}80{{- end -}}
{{- end -}}

{{/* Labels that never change for a release's component: selectors use only these. */}}
{{- define "ai-coder.selectorLabels" -}}
app.kubernetes.io/name: {{ include "ai-coder.name" .root }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/component: {{ .name }}
{{- end -}}

{{- define "ai-coder.labels" -}}
{{ include "ai-coder.selectorLabels" . }}
app.kubernetes.io/part-of: ai-coder
app.kubernetes.io/version: {{ .root.Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .root.Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .root.Chart.Name .root.Chart.Version | replace "+" "_" }}
{{- end -}}

{{/* Every pod of the release, whatever its component. */}}
{{- define "ai-coder.releaseSelector" -}}
app.kubernetes.io/name: {{ include "ai-coder.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{- define "ai-coder.image" -}}
{{- $repo := printf "%s/%s" .root.Values.image.repository .name -}}
{{- if .root.Values.image.registry -}}
{{- $repo = printf "%s/%s" (trimSuffix "/" .root.Values.image.registry) $repo -}}
{{- end -}}
{{- printf "%s:%s" $repo (default .root.Chart.AppVersion .root.Values.image.tag) -}}
{{- end -}}

{{- define "ai-coder.secretName" -}}
{{- default (include "ai-coder.fullname" .) .Values.secrets.existingSecret -}}
{{- end -}}

{{- define "ai-coder.redisName" -}}
{{- printf "%s-redis" (include "ai-coder.fullname" .) | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* The Secret and key that hold the Redis password; empty name when Redis has none. */}}
{{- define "ai-coder.redisPasswordSecret" -}}
{{- if .Values.redis.enabled -}}
{{- include "ai-coder.secretName" . -}}
{{- else if .Values.externalRedis.existingSecret -}}
{{- .Values.externalRedis.existingSecret -}}
{{- else if .Values.secrets.existingSecret -}}
{{- .Values.secrets.existingSecret -}}
{{- end -}}
{{- end -}}

{{- define "ai-coder.redisPasswordKey" -}}
{{- if and (not .Values.redis.enabled) .Values.externalRedis.existingSecret -}}
{{- .Values.externalRedis.passwordKey -}}
{{- else -}}
redis-password
{{- end -}}
{{- end -}}

{{- define "ai-coder.redisHost" -}}
{{- if .Values.redis.enabled -}}
{{- include "ai-coder.redisName" . -}}
{{- else -}}
{{- .Values.externalRedis.host -}}
{{- end -}}
{{- end -}}

{{- define "ai-coder.redisPort" -}}
{{- if .Values.redis.enabled -}}6379{{- else -}}{{ .Values.externalRedis.port }}{{- end -}}
{{- end -}}

{{- define "ai-coder.workspacesClaim" -}}
{{- default (printf "%s-workspaces" (include "ai-coder.fullname" .)) .Values.workspaces.existingClaim -}}
{{- end -}}

{{/* Whether a component runs more than one pod (replicas or autoscaling): it then gets a PDB. */}}
{{- define "ai-coder.multiplePods" -}}
{{- $s := .service -}}
{{- if $s.autoscaling.enabled -}}
{{- if gt (int $s.autoscaling.minReplicas) 1 }}true{{ end -}}
{{- else if gt (int $s.replicas) 1 -}}true{{- end -}}
{{- end -}}

{{/* Whether the component is scaled by an HPA or KEDA (the Deployment then sets no replicas). */}}
{{- define "ai-coder.autoscaled" -}}
{{- if .service.autoscaling.enabled }}true{{ end -}}
{{- end -}}
