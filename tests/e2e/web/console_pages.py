"""What a staff member does on any console page: sign in, sign out, open an action's form on the ticket page and
send it."""

from playwright.sync_api import Page, expect

from tests.e2e.conftest import Cloud


def sign_in(page: Page, cloud: Cloud, role: str, password: str | None = None) -> None:
    """Sign in as the demo user of `role` (its own password unless another is given) on the sign-in page (a fresh
    tab opens it; a tab sent to a console page is shown it); with the right password, wait until the console is
    shown."""
    login = cloud.info["staff"][role]
    if page.url == "about:blank":
        page.goto(f"{cloud.url}/console/signin")
    expect(page.get_by_role("heading", name="12345 热线工作台 · 登录")).to_be_visible()
    page.get_by_label("用户名").fill(login["username"])
    page.get_by_label("密码").fill(password or login["password"])
    page.get_by_role("button", name="登录").click()
    if password is None:
        expect(page.get_by_role("button", name="退出")).to_be_visible()


def sign_out(page: Page) -> None:
    page.get_by_role("button", name="退出").click()


def choose(page: Page, action: str) -> None:
    """Open the form of one of the ticket's actions."""
    page.get_by_role("group", name="可办理的操作").get_by_role("button", name=action, exact=True).click()


def submit(page: Page, action: str) -> None:
    """Send the open form once: it is done."""
    page.get_by_role("button", name=f"提交{action}").click()
    expect(page.get_by_role("status").filter(has_text=f"已完成：{action}。")).to_be_visible()
