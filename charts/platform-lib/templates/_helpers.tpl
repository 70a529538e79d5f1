{{/* Names, labels, the image, security contexts: what every chart of the platform names and checks alike. A chart's own templates call them with its root context, so .Chart.Name is that chart's name. */}}

{{/* The chart's name, overridable, within the 63 characters a label value may hold. */}}
{{- define "platform-lib.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* The name of every object: the release name, with the chart name added unless the release name contains it. */}}
{{- define "platform-lib.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{- define "platform-lib.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Selector labels: name and instance only, so they never change for the life of a release. */}}
{{- define "platform-lib.selectorLabels" -}}
app.kubernetes.io/name: {{ include "platform-lib.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{/* Labels per the Helm guide, on every object. */}}
{{- define "platform-lib.labels" -}}
helm.sh/chart: {{ include "platform-lib.chart" . }}
{{ include "platform-lib.selectorLabels" . }}
app.kubernetes.io/version: {{ include "platform-lib.imageTag" . | trunc 63 | trimSuffix "-" | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: platform
{{- end }}

{{/* The image tag, refused when empty or "latest": an environment runs one exact build. */}}
{{- define "platform-lib.imageTag" -}}
{{- $tag := toString (.Values.image.tag | default "") | trim }}
{{- if not $tag }}
{{- fail "image.tag is required: set it to the image's full 40-character commit SHA (recipe render sets image.repository and image.tag; for a local render pass --set image.tag=<sha>)" }}
{{- end }}
{{- if eq (lower $tag) "latest" }}
{{- fail "image.tag must not be \"latest\": set it to the image's full 40-character commit SHA so every environment runs one exact build" }}
{{- end }}
{{- $tag }}
{{- end }}

{{- define "platform-lib.image" -}}
{{- printf "%s:%s" .Values.image.repository (include "platform-lib.imageTag" .) }}
{{- end }}

{{- define "platform-lib.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "platform-lib.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{- define "platform-lib.tlsSecretName" -}}
{{- default (printf "%s-tls" (include "platform-lib.fullname" .)) .Values.tls.secretName }}
{{- end }}

{{/* True when more than one replica can run: the condition for a PodDisruptionBudget. */}}
{{- define "platform-lib.multipleReplicas" -}}
{{- if .Values.autoscaling.enabled }}
{{- if gt (int .Values.autoscaling.maxReplicas) 1 }}true{{ end }}
{{- else if gt (int .Values.replicaCount) 1 }}true{{ end }}
{{- end }}

{{/* Hostnames are needed whenever the chart requests the certificate. */}}
{{- define "platform-lib.requireHostnames" -}}
{{- if and .Values.tls.enabled (or .Values.ingress.enabled (and .Values.httpRoute.enabled (eq .Values.tls.certificate "chart"))) (empty .Values.hostnames) }}
{{- fail "hostnames is empty but tls.enabled is true: list the names the certificate covers (e.g. hostnames: [records.dev.example.com]) or set tls.enabled: false" }}
{{- end }}
{{- end }}

{{/* The pod's security context: the restricted Pod Security Standard. */}}
{{- define "platform-lib.podSecurityContext" -}}
runAsNonRoot: true
runAsUser: 1000
runAsGroup: 1000
fsGroup: 1000
seccompProfile:
  type: RuntimeDefault
{{- end }}

{{- define "platform-lib.containerSecurityContext" -}}
runAsNonRoot: true
runAsUser: 1000
runAsGroup: 1000
allowPrivilegeEscalation: false
readOnlyRootFilesystem: true
privileged: false
capabilities:
  drop:
    - ALL
seccompProfile:
  type: RuntimeDefault
{{- end }}
