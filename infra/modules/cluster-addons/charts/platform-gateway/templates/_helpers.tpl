{{- define "platform-gateway.labels" -}}
app.kubernetes.io/name: platform-gateway
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: platform
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version }}
platform-environment: {{ .Values.environment | quote }}
{{- end -}}
