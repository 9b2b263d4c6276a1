import ProcNet
import Testing

@Suite struct CgroupPathTests {
    static let id = "4f1e3c2b1a0918273645546372819203a4b5c6d7e8f90a1b2c3d4e5f60718293"

    @Test(arguments: [
        "0::/system.slice/docker-\(id).scope\n",
        "0::/docker/\(id)\n",
        "0::/machine.slice/libpod-\(id).scope\n",
        "0::/system.slice/crio-\(id).scope\n",
        "12:pids:/docker/\(id)\n11:cpu,cpuacct:/docker/\(id)\n",
    ])
    func containerRuntimesNameTheContainer(_ file: String) {
        let path = CgroupPath.parse(Array(file.utf8))
        #expect(path.containerID == Self.id)
        #expect(path.podUID == nil)
    }

    @Test func kubeletWithTheSystemdDriverNamesPodAndContainer() {
        let file = "0::/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod9a1c6e52_3f0d_4b8e_a2c4_1d2e3f4a5b6c.slice/cri-containerd-\(Self.id).scope\n"
        let path = CgroupPath.parse(Array(file.utf8))
        #expect(path.podUID == "9a1c6e52-3f0d-4b8e-a2c4-1d2e3f4a5b6c")
        #expect(path.containerID == Self.id)
    }

    @Test func kubeletWithTheCgroupfsDriverNamesPodAndContainer() {
        let file = "0::/kubepods/besteffort/pod9a1c6e52-3f0d-4b8e-a2c4-1d2e3f4a5b6c/\(Self.id)\n"
        let path = CgroupPath.parse(Array(file.utf8))
        #expect(path.podUID == "9a1c6e52-3f0d-4b8e-a2c4-1d2e3f4a5b6c")
        #expect(path.containerID == Self.id)
    }

    @Test(arguments: ["0::/user.slice/user-0.slice/session-3.scope\n", "0::/\n", "", "garbage", "0::/docker/abc\n",
                      "0::/kubepods.slice/kubepods-podnotauid.slice\n"])
    func hostProcessesAndGarbageNameNothing(_ file: String) {
        #expect(CgroupPath.parse(Array(file.utf8)) == CgroupPath())
    }

    @Test func namespaceLinksGiveTheirInode() {
        #expect(NamespaceLink.inode(Array("net:[4026531840]".utf8)) == 4_026_531_840)
        #expect(NamespaceLink.inode(Array("net:[]".utf8)) == nil)
        #expect(NamespaceLink.inode(Array("mnt:[4026531840]".utf8)) == nil)
        #expect(NamespaceLink.inode(Array("net:[99999999999999999999999]".utf8)) == nil)
        #expect(NamespaceLink.inode(Array("net:[12a]".utf8)) == nil)
    }

    @Test func capabilitiesComeFromCapEff() {
        let status = "Name:\tx\nCapInh:\t0000000000000000\nCapEff:\t0000000000080004\n"
        let caps = ProcessCapabilities.parse(Array(status.utf8))
        #expect(caps?.has(ProcessCapabilities.sysAdmin) == false)
        #expect(caps?.has(ProcessCapabilities.sysPtrace) == true)
        #expect(caps?.has(ProcessCapabilities.dacReadSearch) == true)
        #expect(ProcessCapabilities.parse(Array("CapEff:\t000001ffffffffff\n".utf8))?.has(ProcessCapabilities.sysAdmin) == true)
        #expect(ProcessCapabilities.parse(Array("CapEff:\tzz\n".utf8)) == nil)
        #expect(ProcessCapabilities.parse(Array("Name: x\n".utf8)) == nil)
    }
}
