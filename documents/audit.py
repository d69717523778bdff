"""Named audit events of the documents app (declared in documents/events.py), written in
the caller's (service's) transaction."""

from audit.models import AuditEvent
from audit.services import log_event


def document_generated(*, document, actor) -> AuditEvent:
    return log_event(
        event="document_generated",
        actor=actor,
        case=document.case,
        obj=document,
        message=f"生成文书：{document.case.number} {document.title} 第{document.version}版",
        data={
            "template": document.template,
            "version": document.version,
            "sha256": document.sha256,
            "code": document.code,
            "pages": document.pages,
            "size": document.size,
        },
    )


def document_downloaded(*, document, actor) -> AuditEvent:
    return log_event(
        event="document_downloaded",
        actor=actor,
        case=document.case,
        obj=document,
        message=f"下载文书：{document.case.number} {document.title} 第{document.version}版",
        data={"template": document.template, "version": document.version, "sha256": document.sha256},
    )


def evidence_bundle_built(*, bundle, actor, item_count: int) -> AuditEvent:
    """The bundle's hashes, kept where nobody can change them: a file changed in the zip no
    longer matches the manifest, a changed manifest no longer matches this row."""
    return log_event(
        event="evidence_bundle_built",
        actor=actor,
        case=bundle.case,
        obj=bundle,
        message=(
            f"生成证据包：{bundle.case.number} 第{bundle.pk}号，{item_count}个文件，"
            f"清单SHA-256 {bundle.manifest_sha256}"
        ),
        data={
            "bundle": bundle.pk,
            "manifest_sha256": bundle.manifest_sha256,
            "index_sha256": bundle.index_sha256,
            "zip_sha256": bundle.sha256,
            "size": bundle.size,
            "items": item_count,
        },
    )


def evidence_bundle_failed(*, bundle, actor) -> AuditEvent:
    return log_event(
        event="evidence_bundle_failed",
        actor=actor,
        case=bundle.case,
        obj=bundle,
        message=f"证据包生成失败：{bundle.case.number} 第{bundle.pk}号：{bundle.error}",
        data={"bundle": bundle.pk, "error": bundle.error},
    )


def evidence_bundle_downloaded(*, bundle, actor) -> AuditEvent:
    return log_event(
        event="evidence_bundle_downloaded",
        actor=actor,
        case=bundle.case,
        obj=bundle,
        message=f"下载证据包：{bundle.case.number} 第{bundle.pk}号",
        data={"bundle": bundle.pk, "zip_sha256": bundle.sha256, "manifest_sha256": bundle.manifest_sha256},
    )
