{{/* The cert-manager Certificate for the hostnames, when the chart requests it. */}}
{{- define "platform-lib.certificate" -}}
{{- /* One Certificate serves both the Ingress and, through a Gateway listener that references it, the HTTPRoute. */}}
{{- if and .Values.tls.enabled (or .Values.ingress.enabled (and .Values.httpRoute.enabled (eq .Values.tls.certificate "chart"))) }}
---
apiVersion: cert-manager.io/v1
kind: Certificate
metadata:
  name: {{ include "platform-lib.fullname" . }}
  namespace: {{ .Release.Namespace }}
  labels:
    {{- include "platform-lib.labels" . | nindent 4 }}
spec:
  secretName: {{ include "platform-lib.tlsSecretName" . }}
  secretTemplate:
    labels:
      {{- include "platform-lib.selectorLabels" . | nindent 6 }}
  dnsNames:
    {{- range .Values.hostnames }}
    - {{ . | quote }}
    {{- end }}
  issuerRef:
    group: cert-manager.io
    kind: {{ .Values.tls.issuer.kind }}
    name: {{ .Values.tls.issuer.name }}
  privateKey:
    algorithm: ECDSA
    size: 256
    rotationPolicy: Always
{{- if and .Values.httpRoute.enabled (eq .Values.tls.certificate "chart") }}
{{- /* The Gateway terminates TLS: let Gateways in the parents' namespaces read this certificate's Secret. */}}
{{- $namespaces := list }}
{{- range .Values.httpRoute.parentRefs }}
{{- $ns := default $.Release.Namespace .namespace }}
{{- if and (ne $ns $.Release.Namespace) (not (has $ns $namespaces)) }}
{{- $namespaces = append $namespaces $ns }}
{{- end }}
{{- end }}
{{- if $namespaces }}
---
apiVersion: gateway.networking.k8s.io/v1beta1
kind: ReferenceGrant
metadata:
  name: {{ include "platform-lib.fullname" . }}-tls
  namespace: {{ .Release.Namespace }}
  labels:
    {{- include "platform-lib.labels" . | nindent 4 }}
spec:
  from:
    {{- range $namespaces }}
    - group: gateway.networking.k8s.io
      kind: Gateway
      namespace: {{ . }}
    {{- end }}
  to:
    - group: ""
      kind: Secret
      name: {{ include "platform-lib.tlsSecretName" . }}
{{- end }}
{{- end }}
{{- end }}
{{- end }}
