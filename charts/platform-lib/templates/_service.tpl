{{/* The ClusterIP Service in front of the server pods. */}}
{{- define "platform-lib.service" -}}
---
apiVersion: v1
kind: Service
metadata:
  name: {{ include "platform-lib.fullname" . }}
  namespace: {{ .Release.Namespace }}
  labels:
    {{- include "platform-lib.labels" . | nindent 4 }}
spec:
  type: ClusterIP
  selector:
    {{- include "platform-lib.selectorLabels" . | nindent 4 }}
  ports:
    - name: http
      port: {{ .Values.service.port }}
      targetPort: http
      protocol: TCP
      appProtocol: http
{{- end }}
