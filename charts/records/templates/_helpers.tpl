{{/* What only records needs; the shared helpers are platform-lib's (charts/platform-lib). */}}

{{/* The Secret with DATABASE_URL and DEMO_SECRET: required, never created from plaintext values. */}}
{{- define "records.secretName" -}}
{{- if not .Values.existingSecret.name }}
{{- fail "existingSecret.name is required: the name of the Secret holding DATABASE_URL and DEMO_SECRET (a SealedSecret produces it; see the chart README)" }}
{{- end }}
{{- .Values.existingSecret.name }}
{{- end }}

{{/* Environment shared by the server and the migration Job. */}}
{{- define "records.env" -}}
- name: APP_ENV
  value: {{ .Values.appEnv | quote }}
- name: LOG_LEVEL
  value: {{ .Values.logLevel | quote }}
- name: DATABASE_URL
  valueFrom:
    secretKeyRef:
      name: {{ include "records.secretName" . }}
      key: {{ .Values.existingSecret.databaseUrlKey }}
- name: DEMO_SECRET
  valueFrom:
    secretKeyRef:
      name: {{ include "records.secretName" . }}
      key: {{ .Values.existingSecret.demoSecretKey }}
{{- range .Values.extraEnv }}
- name: {{ .name }}
  value: {{ .value | quote }}
{{- end }}
{{- end }}

{{/* The server container's own environment, after what every chart sets (PORT, HOST, SHUTDOWN_DELAY_MS). */}}
{{- define "records.serverEnv" -}}
- name: MIGRATE_ON_START
  value: {{ eq .Values.migrations.mode "startup" | quote }}
{{ include "records.env" . }}
{{- end }}
