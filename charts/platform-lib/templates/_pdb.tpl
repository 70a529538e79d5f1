{{/* The PodDisruptionBudget, whenever more than one replica can run. */}}
{{- define "platform-lib.pdb" -}}
{{- if and .Values.podDisruptionBudget.enabled (include "platform-lib.multipleReplicas" .) }}
---
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata:
  name: {{ include "platform-lib.fullname" . }}
  namespace: {{ .Release.Namespace }}
  labels:
    {{- include "platform-lib.labels" . | nindent 4 }}
spec:
  maxUnavailable: {{ .Values.podDisruptionBudget.maxUnavailable }}
  unhealthyPodEvictionPolicy: AlwaysAllow
  selector:
    matchLabels:
      {{- include "platform-lib.selectorLabels" . | nindent 6 }}
{{- end }}
{{- end }}
