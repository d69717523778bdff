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
