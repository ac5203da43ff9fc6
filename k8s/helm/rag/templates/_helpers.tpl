{{/* Names and labels. */}}
{{- define "rag.fullname" -}}
{{- if contains .Chart.Name .Release.Name -}}
{{- .Release.Name | trunc 50 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 50 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{- define "rag.labels" -}}
app.kubernetes.io/part-of: rag
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" }}
{{- end -}}

{{- define "rag.selector" -}}
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/name: {{ .name }}
{{- end -}}

{{- define "rag.secretName" -}}
{{- default (printf "%s-secrets" (include "rag.fullname" .)) .Values.secrets.existingSecret -}}
{{- end -}}

{{/* embed.backend, checked: remote needs a URL and no GPU in embed-service. */}}
{{- define "rag.embedBackend" -}}
{{- if eq .Values.embed.backend "remote" -}}
{{- if not .Values.embed.remote.url -}}
{{- fail "embed.backend=remote needs embed.remote.url, the server's OpenAI base URL (e.g. http://tei:8080/v1)" -}}
{{- end -}}
{{- if .Values.embed.gpu.enabled -}}
{{- fail "embed.backend=remote embeds on the server: set embed.gpu.enabled=false" -}}
{{- end -}}
remote
{{- else if eq .Values.embed.backend "local" -}}
{{- if not (has .Values.embed.model (list "bge-small-en-v1.5-int8" "e5-small-v2-int8" "all-minilm-l6-v2-int8")) -}}
{{- fail (printf "embed.model %q is not a model embed-service carries (bge-small-en-v1.5-int8, e5-small-v2-int8, all-minilm-l6-v2-int8); a server's model needs embed.backend=remote" .Values.embed.model) -}}
{{- end -}}
local
{{- else -}}
{{- fail (printf "embed.backend must be local or remote, not %q" .Values.embed.backend) -}}
{{- end -}}
{{- end -}}

{{- define "rag.kafkaBootstrap" -}}
{{- if and .Values.kafka.enabled .Values.kafka.external.security.enabled -}}
{{- fail "kafka.external.security is for an existing cluster: set kafka.enabled=false and kafka.external.bootstrapServers" -}}
{{- end -}}
{{- if .Values.kafka.enabled -}}
{{- printf "%s-kafka:9092" (include "rag.fullname" .) -}}
{{- else -}}
{{- required "kafka.external.bootstrapServers is required when kafka.enabled is false" .Values.kafka.external.bootstrapServers -}}
{{- end -}}
{{- end -}}

{{- define "rag.qdrantHost" -}}
{{- if .Values.qdrant.enabled -}}
{{- printf "%s-qdrant" (include "rag.fullname" .) -}}
{{- else -}}
{{- required "qdrant.external.host is required when qdrant.enabled is false" .Values.qdrant.external.host -}}
{{- end -}}
{{- end -}}

{{- define "rag.image" -}}
{{- $tag := default .root.Chart.AppVersion .root.Values.image.tag -}}
{{- printf "%s/%s:%s%s" .root.Values.image.registry .name $tag (default "" .suffix) -}}
{{- end -}}

{{/* Hardened container settings shared by every container of the chart. */}}
{{- define "rag.containerSecurity" -}}
securityContext:
  runAsNonRoot: true
  allowPrivilegeEscalation: false
  readOnlyRootFilesystem: true
  privileged: false
  capabilities:
    drop: ["ALL"]
  seccompProfile:
    type: RuntimeDefault
{{- end -}}

{{- define "rag.podSecurity" -}}
securityContext:
  runAsNonRoot: true
  runAsUser: {{ .uid | default 185 }}
  runAsGroup: {{ .uid | default 185 }}
  fsGroup: {{ .uid | default 185 }}
  seccompProfile:
    type: RuntimeDefault
{{- end -}}

{{/* A NetworkPolicy peer: the pods of one component of this release. */}}
{{- define "rag.peer" -}}
- podSelector:
    matchLabels:
      {{- include "rag.selector" (dict "root" .root "name" .name) | nindent 6 }}
{{- end -}}

{{- define "rag.authSecretName" -}}
{{- default (printf "%s-auth" (include "rag.fullname" .)) .Values.auth.existingSecret -}}
{{- end -}}

{{- define "rag.serviceKeySecretName" -}}
{{- default (printf "%s-service-keys" (include "rag.fullname" .)) .Values.auth.existingSecret -}}
{{- end -}}
