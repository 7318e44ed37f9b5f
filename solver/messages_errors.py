"""Error lines in both languages (``err.*``): what a user is told about a file, a field or an id they gave.
Only ``register`` calls (see ``solver/i18n.py``); raised as ``InputError(Msg("err.…", …))``."""
from __future__ import annotations

from .i18n import register

register({
    # files (solver/files.py)
    "err.not_regular": ("not a regular file ({what}): only regular files are read",
                        "不是普通文件（{what}）：只读取普通文件"),
    "err.kind.folder": ("a folder", "文件夹"),
    "err.kind.fifo": ("a FIFO", "命名管道"),
    "err.kind.char": ("a character device", "字符设备"),
    "err.kind.block": ("a block device", "块设备"),
    "err.kind.socket": ("a socket", "套接字"),
    "err.kind.link": ("a symbolic link", "符号链接"),
    "err.kind.special": ("a special file", "特殊文件"),
    "err.symlink": ("a symbolic link: it is not followed", "符号链接：不跟随读取"),
    "err.symlink_in": ("a symbolic link: links in {what} are not followed", "符号链接：文件夹中的链接不跟随读取"),
    "err.cannot_read": ("cannot read file: {why}", "无法读取文件：{why}"),
    "err.cannot_read_folder": ("cannot read folder: {why}", "无法读取文件夹：{why}"),
    "err.errno.missing": ("No such file or directory", "文件或文件夹不存在"),
    "err.errno.denied": ("Permission denied", "没有读取权限"),
    "err.errno.is_folder": ("Is a directory", "这是一个文件夹"),
    "err.too_large": ("file is larger than {limit} bytes", "文件超过 {limit} 字节"),
    "err.nul_name": ("the file name contains a NUL character", "文件名中含有 NUL 字符"),
    "err.outside": ("the file is outside the folder", "文件不在该文件夹内"),
    "err.not_utf8": ("not UTF-8 text (byte {at})", "不是 UTF-8 文本（第 {at} 字节）"),
    "err.not_utf16": ("not UTF-16 text (byte {at})", "不是 UTF-16 文本（第 {at} 字节）"),
    "err.nul_byte": ("not a text file (a NUL byte at {at})", "不是文本文件（第 {at} 字节是 NUL）"),
    "err.not_text_cn": ("neither UTF-8 nor GB18030 text (byte {at})", "既不是 UTF-8 也不是 GB18030 文本（第 {at} 字节）"),
    # YAML and JSON (solver/yamlio.py)
    "err.empty": ("the file is empty", "文件是空的"),
    "err.yaml": ("invalid YAML: {problem}", "YAML 格式错误：{problem}"),
    "err.yaml.unclosed": ("{problem} at line {line}: the {what} that starts here is not closed",
                          "第 {line} 行{problem}：从这里开始的{what}没有闭合"),
    "err.yaml.flow sequence": ("flow sequence", "方括号列表 […]"),
    "err.yaml.flow mapping": ("flow mapping", "花括号映射 {{…}}"),
    "err.yaml.quoted scalar": ("quoted scalar", "引号字符串"),
    "err.yaml.did not find expected ',' or ']'": ("did not find expected ',' or ']'", "缺少 ',' 或 ']'"),
    "err.yaml.did not find expected ',' or '}'": ("did not find expected ',' or '}}'", "缺少 ',' 或 '}}'"),
    "err.yaml.mapping values are not allowed here": ("mapping values are not allowed here",
                                                     "这里不能写“键: 值”（冒号后的内容要换行缩进，或给整段文字加引号）"),
    "err.yaml.mapping values are not allowed in this context": (
        "mapping values are not allowed in this context",
        "这里不能写“键: 值”（冒号后的内容要换行缩进，或给整段文字加引号）"),
    "err.yaml.could not find expected ':'": ("could not find expected ':'", "缺少冒号 ':'"),
    "err.yaml.did not find expected key": ("did not find expected key", "缩进不一致：这里应当是一个键"),
    "err.yaml.did not find expected '-' indicator": ("did not find expected '-' indicator",
                                                     "缩进不一致：这里应当是以 '-' 开头的列表项"),
    "err.yaml.expected <block end>, but found '…'": ("expected <block end>, but found '…'",
                                                     "缩进不一致：这一行与上面的行对不齐"),
    "err.yaml.expected ',' or ']', but got '…'": ("expected ',' or ']', but got '…'", "缺少 ',' 或 ']'"),
    "err.yaml.expected ',' or '}', but got '…'": ("expected ',' or '}}', but got '…'", "缺少 ',' 或 '}}'"),
    "err.yaml.sequence entries are not allowed here": ("sequence entries are not allowed here",
                                                       "这里不能写以 '-' 开头的列表项"),
    "err.yaml.found unexpected end of stream": ("found unexpected end of stream", "文件意外结束（可能有引号没有闭合）"),
    "err.yaml.found character that cannot start any token": (
        "found character that cannot start any token", "有不能出现在这里的字符（例如制表符、@ 或 `；缩进只能用空格）"),
    "err.yaml.found a tab character that violates indentation": (
        "found a tab character that violates indentation", "缩进里有制表符（缩进只能用空格）"),
    "err.yaml.found unknown escape character": ("found unknown escape character",
                                                "未知的转义字符（双引号里的反斜杠要写成两个）"),
    "err.yaml.found an indentation indicator equal to 0": ("found an indentation indicator equal to 0",
                                                           "块文字的缩进标记不能是 0"),
    "err.yaml.could not determine a constructor for the tag '…'": (
        "could not determine a constructor for the tag '…'", "不认识的标签（以 ! 开头的写法）"),
    "err.yaml.found undefined alias": ("found undefined alias", "引用了没有定义的锚点（*名字）"),
    "err.yaml.second occurrence": ("second occurrence", "同名的锚点（&名字）定义了两次"),
    "err.yaml.but found another document": ("but found another document", "文件里有不止一个文档（用 --- 分开）：只能有一个"),
    "err.yaml.did not find expected <document start>": ("did not find expected <document start>",
                                                        "内容结束后还有多余的字符（例如多了一个括号）"),
    "err.nested": ("the document is nested too deeply", "文档嵌套太深"),
    # exercises (solver/bank.py, solver/model.py, solver/cli.py)
    "err.unknown_id": ("unknown exercise id '{id}' (see `solve list`)", "没有编号为 '{id}' 的习题（用 `solve list` 查看全部习题）"),
    "err.no_files": ("no exercise files (.yaml, .yml, .json) found", "没有找到习题文件（.yaml、.yml、.json）"),
    "err.unknown_field": ("unknown field '{name}'{hint}; {allowed}", "未知字段 '{name}'{hint}；{allowed}"),
    "err.allowed": ("allowed: {keys}", "可用的字段：{keys}"),
})
