"""ISO 9001:2015 (GB/T 19001-2016) clauses: the list ``iso9001:`` tags are checked against."""
from __future__ import annotations

CLAUSES: dict[str, tuple[str, str]] = {
    "4.1": ("Understanding the organization and its context", "理解组织及其环境"),
    "4.2": ("Needs and expectations of interested parties", "理解相关方的需求和期望"),
    "4.3": ("Scope of the quality management system", "确定质量管理体系的范围"),
    "4.4": ("Quality management system and its processes", "质量管理体系及其过程"),
    "5.1": ("Leadership and commitment", "领导作用和承诺"),
    "5.2": ("Quality policy", "方针"),
    "5.3": ("Organizational roles, responsibilities and authorities", "组织的岗位、职责和权限"),
    "6.1": ("Actions to address risks and opportunities", "应对风险和机遇的措施"),
    "6.2": ("Quality objectives and planning to achieve them", "质量目标及其实现的策划"),
    "6.3": ("Planning of changes", "变更的策划"),
    "7.1": ("Resources", "资源"),
    "7.2": ("Competence", "能力"),
    "7.3": ("Awareness", "意识"),
    "7.4": ("Communication", "沟通"),
    "7.5": ("Documented information", "成文信息"),
    "8.1": ("Operational planning and control", "运行的策划和控制"),
    "8.2": ("Requirements for products and services", "产品和服务的要求"),
    "8.3": ("Design and development", "产品和服务的设计和开发"),
    "8.4": ("Control of externally provided processes, products and services", "外部提供的过程、产品和服务的控制"),
    "8.5": ("Production and service provision", "生产和服务提供"),
    "8.6": ("Release of products and services", "产品和服务的放行"),
    "8.7": ("Control of nonconforming outputs", "不合格输出的控制"),
    "9.1": ("Monitoring, measurement, analysis and evaluation", "监视、测量、分析和评价"),
    "9.2": ("Internal audit", "内部审核"),
    "9.3": ("Management review", "管理评审"),
    "10.1": ("Improvement: general", "改进:总则"),
    "10.2": ("Nonconformity and corrective action", "不合格和纠正措施"),
    "10.3": ("Continual improvement", "持续改进"),
}


def clause_of(tag: str) -> str | None:
    """The top-level clause a tag belongs to (``7.1.5`` → ``7.1``), or None if unknown."""
    parts = tag.strip().split(".")
    for size in (2, 1):
        head = ".".join(parts[:size])
        if head in CLAUSES and all(p.isdigit() for p in parts):
            return head
    return None
