{{/* The Ingress, the option for clusters without Gateway API. */}}
{{- define "platform-lib.ingress" -}}
{{- if .Values.ingress.enabled }}
{{- include "platform-lib.requireHostnames" . }}
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: {{ include "platform-lib.fullname" . }}
  namespace: {{ .Release.Namespace }}
  labels:
    {{- include "platform-lib.labels" . | nindent 4 }}
  {{- with .Values.ingress.annotations }}
  annotations:
    {{- toYaml . | nindent 4 }}
  {{- end }}
spec:
  {{- with .Values.ingress.className }}
  ingressClassName: {{ . }}
  {{- end }}
  {{- if .Values.tls.enabled }}
  tls:
    - hosts:
        {{- range .Values.hostnames }}
        - {{ . | quote }}
        {{- end }}
      secretName: {{ include "platform-lib.tlsSecretName" . }}
  {{- end }}
  rules:
    {{- range .Values.hostnames }}
    - host: {{ . | quote }}
      http:
        paths:
          - path: /
            pathType: Prefix
            backend:
              service:
                name: {{ include "platform-lib.fullname" $ }}
                port:
                  name: http
    {{- end }}
{{- end }}
{{- end }}
