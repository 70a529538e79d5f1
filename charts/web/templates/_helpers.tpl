{{/* What only web needs; the shared helpers are platform-lib's (charts/platform-lib). */}}

{{/* Where the web app reaches records: the value, or the records release's Service in this namespace. */}}
{{- define "web.recordsUrl" -}}
{{- if .Values.records.url }}
{{- .Values.records.url }}
{{- else }}
{{- printf "http://%s.%s.svc:%d" .Values.records.serviceName .Release.Namespace (int .Values.records.port) }}
{{- end }}
{{- end }}

{{/* The server container's own environment, after what every chart sets (PORT, HOST, SHUTDOWN_DELAY_MS). */}}
{{- define "web.serverEnv" -}}
- name: APP_ENV
  value: {{ .Values.appEnv | quote }}
- name: LOG_LEVEL
  value: {{ .Values.logLevel | quote }}
- name: RECORDS_URL
  value: {{ include "web.recordsUrl" . | quote }}
{{- range .Values.extraEnv }}
- name: {{ .name }}
  value: {{ .value | quote }}
{{- end }}
{{- end }}
