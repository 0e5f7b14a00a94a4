"""The cause catalogue (原因分类): why the problems behind tickets arose, as units classify them when they reply.

A tree kept as data (`CONFIG#causes`, DEFAULT_CAUSES until an admin stores one): the reply's `cause_code` must name one
of its entries, by code or by its Chinese name, and the reports' Pareto charts count replies by it (seed 002).
"""

from collections.abc import Iterator
from typing import Self

from pydantic import BaseModel, Field, model_validator

from hotline.domain.base.errors import FieldProblem, InvalidInput

MAX_CAUSES = 500
"""The whole tree, so that it stays one configuration item well within DynamoDB's 400 KB."""


class Cause(BaseModel):
    code: str = Field(pattern=r"^[a-z0-9_.-]{1,64}$")
    name: str = Field(min_length=1, max_length=100)
    name_zh: str = Field(min_length=1, max_length=64)
    children: list["Cause"] = Field(default_factory=list, max_length=100)


class CauseCatalog(BaseModel):
    causes: list[Cause] = Field(max_length=100)

    @model_validator(mode="after")
    def _each_code_and_name_once(self) -> Self:
        codes = [cause.code for cause, _ in self.walk()]
        names = [cause.name_zh for cause, _ in self.walk()]
        for label, values in (("code", codes), ("name_zh", names)):
            repeated = sorted({value for value in values if values.count(value) > 1})
            if repeated:
                raise ValueError(f"each cause's {label} must be unique: {', '.join(repeated)} repeats")
        if len(codes) > MAX_CAUSES:
            raise ValueError(f"at most {MAX_CAUSES} causes in all")
        return self

    def walk(self) -> Iterator[tuple[Cause, Cause]]:
        """Every cause with the top-level cause it belongs to (itself at the top)."""

        def visit(node: Cause, root: Cause) -> Iterator[tuple[Cause, Cause]]:
            yield node, root
            for child in node.children:
                yield from visit(child, root)

        for top in self.causes:
            yield from visit(top, top)

    def find(self, code_or_name: str) -> Cause | None:
        """The cause with this code, or with this Chinese name."""
        wanted = code_or_name.strip()
        return next((cause for cause, _ in self.walk() if wanted in (cause.code, cause.name_zh)), None)

    def checked(self, code_or_name: str, field: str = "cause_code") -> Cause:
        """The cause named, or 422 naming `field` when the catalogue has none such."""
        cause = self.find(code_or_name)
        if cause is None:
            problem = "not in the cause catalogue (GET /v1/staff/config/causes lists the codes and their names)"
            raise InvalidInput("unknown cause", [FieldProblem(field, problem)])
        return cause

    def name_zh(self, code: str) -> str:
        """The Chinese name of a code (the code itself once the catalogue no longer has it)."""
        cause = self.find(code)
        return cause.name_zh if cause else code

    def top(self, code: str) -> str:
        """The top-level cause a code belongs to (the code itself when unknown)."""
        return next((root.code for cause, root in self.walk() if cause.code == code), code)


def _cause(code: str, name: str, name_zh: str, *children: Cause) -> Cause:
    return Cause(code=code, name=name, name_zh=name_zh, children=list(children))


DEFAULT_CAUSES = CauseCatalog(
    causes=[
        _cause(
            "management",
            "Management",
            "管理原因",
            _cause("management.enforcement", "Lax enforcement", "执法监管不到位"),
            _cause("management.maintenance", "Late maintenance", "设施维护不及时"),
            _cause("management.coordination", "Poor coordination between departments", "部门协调不畅"),
        ),
        _cause(
            "construction",
            "Construction",
            "施工原因",
            _cause("construction.permit", "Work outside the permit (night work …)", "违规施工（超时、无证）"),
            _cause("construction.site", "Site management", "工地管理不善"),
        ),
        _cause(
            "service",
            "Service",
            "服务原因",
            _cause("service.attitude", "Staff attitude", "服务态度"),
            _cause("service.process", "Cumbersome procedures", "办事流程繁琐"),
            _cause("service.information", "Poor information", "信息告知不到位"),
        ),
        _cause(
            "market",
            "Market",
            "经营原因",
            _cause("market.quality", "Product or service quality", "商品服务质量"),
            _cause("market.fraud", "Misleading sales or prices", "虚假宣传、价格欺诈"),
            _cause("market.after_sales", "After-sales service", "售后服务"),
        ),
        _cause(
            "policy",
            "Policy",
            "政策原因",
            _cause("policy.gap", "No applicable policy", "政策缺位"),
            _cause("policy.explanation", "Policy not understood", "政策理解偏差"),
        ),
        _cause(
            "customer",
            "The customer's side",
            "诉求人原因",
            _cause("customer.misunderstanding", "Misunderstanding", "诉求人误解"),
            _cause("customer.unreasonable", "Unreasonable demand", "诉求不合理"),
        ),
        _cause("other", "Other", "其他"),
    ]
)
